"""The view rules: what the public sees, and masking of personal data."""

from __future__ import annotations

import pytest

from auth.principal import PUBLIC, Principal
from auth.roles import ROLE_SCOPES, Role, Scope
from auth.views import View, mask_address, mask_id_number, mask_phone
from gateway.records import PenaltyProcedure
from gateway.rules.publicity import PublicityState

PARTNER = Principal(role=Role.PARTNER, scopes=ROLE_SCOPES[Role.PARTNER], purpose="招标")
SUPERVISOR = Principal(role=Role.SUPERVISOR, scopes=ROLE_SCOPES[Role.SUPERVISOR])


@pytest.mark.parametrize(
    ("procedure", "state", "public_sees"),
    [
        (PenaltyProcedure.ORDINARY, PublicityState.PUBLIC, True),
        (PenaltyProcedure.ORDINARY, PublicityState.ENDED, False),
        (PenaltyProcedure.ORDINARY, PublicityState.REPAIRED, False),
        (PenaltyProcedure.ORDINARY, PublicityState.NOT_PUBLISHED, False),
        (PenaltyProcedure.SIMPLE, PublicityState.PUBLIC, False),
        (PenaltyProcedure.SIMPLE, PublicityState.NOT_PUBLISHED, False),
    ],
)
def test_the_public_sees_ordinary_penalties_under_publicity_only(
    procedure: PenaltyProcedure, state: PublicityState, public_sees: bool
) -> None:
    assert View.of(PUBLIC).shows_penalty(procedure, state) is public_sees
    assert View.of(PARTNER).shows_penalty(procedure, state) is True


def test_inspections_and_listings() -> None:
    public = View.of(PUBLIC)
    assert public.shows_inspection(PublicityState.PUBLIC)
    assert not public.shows_inspection(PublicityState.ENDED)
    assert public.shows_listing(True) and not public.shows_listing(False)
    assert View.of(PARTNER).shows_listing(False)


def test_personal_data_needs_its_scope() -> None:
    for principal in (PUBLIC, PARTNER):
        view = View.of(principal)
        assert view.id_number("44051119800101123X") == "440511********123X"
        assert view.phone("13812345678") == "138****5678"
        assert view.address("广东省汕头市澄海区莲下镇槐东村8号", "个体工商户") == "广东省汕头市澄海区****"
        assert view.address("汕头市龙湖区珠津工业区1号", "有限责任公司") == "汕头市龙湖区珠津工业区1号"
    supervisor = View.of(SUPERVISOR)
    assert Scope.PERSONAL_READ in SUPERVISOR.scopes
    assert supervisor.id_number("44051119800101123X") == "44051119800101123X"
    assert supervisor.address("广东省汕头市澄海区莲下镇槐东村8号", "个体工商户").endswith("8号")


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (None, None),
        ("", ""),
        ("44051119800101123X", "440511********123X"),
        ("440511800101123", "440511*****1123"),
        ("12345", "1***5"),
    ],
)
def test_mask_id_number(value: str | None, masked: str | None) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (None, None),
        ("13812345678", "138****5678"),
        ("0754-88123456", "0754-****3456"),
        ("075488123456", "0754****3456"),
        ("1234", "****"),
    ],
)
def test_mask_phone(value: str | None, masked: str | None) -> None:
    assert mask_phone(value) == masked
    if value:
        assert value[:-4] == "" or masked != value


def test_mask_address_without_a_district_keeps_little() -> None:
    assert mask_address("某某路100号201房") == "某某路10****"
