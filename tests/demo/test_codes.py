"""USCCs, organisation codes and document numbers the demo issues."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.demo.codes import (
    CodeMaker,
    Numbering,
    document_number,
    organisation_check,
    spoil_check,
)
from gateway.uscc import InvalidUSCC, is_valid, make, normalise

VECTORS = json.loads((Path(__file__).parent.parent / "data" / "uscc.json").read_text("utf-8"))


@pytest.mark.parametrize("case", VECTORS["valid"], ids=lambda c: c["code"])
def test_organisation_check_agrees_with_published_codes(case: dict[str, str]) -> None:
    code = case["code"]
    assert organisation_check(code[8:16]) == code[16]


def test_organisation_check_maps_ten_to_x_and_eleven_to_zero() -> None:
    assert organisation_check("10001686") == "X"
    assert organisation_check("12345678") == "8"
    # weighted sum 0 -> 11 - 0 = 11 -> '0'
    assert organisation_check("00000000") == "0"


@pytest.mark.parametrize("new_style", [True, False])
def test_codes_are_valid_unique_and_as_gateway_makes_them(new_style: bool) -> None:
    maker = CodeMaker(2026)
    codes = [maker.code(i, "91440515", new_style) for i in range(0, 60_000, 3)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert normalise(code) == code
        assert make(code[:17]) == code
        assert organisation_check(code[8:16]) == code[16]
        assert code.startswith("91440515")
    bodies = {code[8:10] for code in codes}
    assert (bodies == {"MA"}) is new_style


def test_codes_differ_by_seed_and_repeat_for_the_same_seed() -> None:
    assert CodeMaker(1).code(5, "92440507", True) == CodeMaker(1).code(5, "92440507", True)
    assert CodeMaker(1).code(5, "92440507", True) != CodeMaker(2).code(5, "92440507", True)


def test_spoilt_check_is_invalid() -> None:
    code = CodeMaker(7).code(11, "93440513", False)
    spoilt = spoil_check(code)
    assert spoilt[:17] == code[:17] and spoilt != code
    assert not is_valid(spoilt)
    with pytest.raises(InvalidUSCC, match="check character"):
        normalise(spoilt)


def test_numbering_is_unique_across_chunks() -> None:
    chunks = [Numbering(i, 4) for i in range(4)]
    numbers = [n.next(("汕澄", 2024)) for _ in range(50) for n in chunks]
    assert sorted(numbers) == list(range(1, 201))
    assert chunks[0].next("another key") == 1


def test_document_number_shape() -> None:
    assert document_number("汕澄", "罚", 2024, 45) == "汕澄市监罚〔2024〕45号"
    assert re.fullmatch(r"汕市监罚〔\d{4}〕\d+号", document_number("汕", "罚", 2025, 123))
