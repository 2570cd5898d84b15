"""USCC validation against the public test vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.uscc import InvalidUSCC, check_character, make, normalise

VECTORS = json.loads(
    (Path(__file__).parent / "data" / "uscc.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", VECTORS["valid"], ids=lambda c: c["code"])
def test_valid_codes_pass(case: dict[str, str]) -> None:
    assert normalise(case["code"]) == case["code"]


@pytest.mark.parametrize("case", VECTORS["invalid"], ids=lambda c: c["why"])
def test_invalid_codes_fail(case: dict[str, str]) -> None:
    with pytest.raises(InvalidUSCC):
        normalise(case["code"])


@pytest.mark.parametrize("case", VECTORS["normalises"], ids=lambda c: c["why"])
def test_normalisation(case: dict[str, str]) -> None:
    assert normalise(case["input"]) == case["code"]


def test_standard_example_with_corrected_check() -> None:
    assert normalise("91350100M000100Y43") == "91350100M000100Y43"


def test_check_character_zero_case() -> None:
    # 31 - (sum mod 31) == 31 must map to '0'; find a prefix whose sum is 0 mod 31.
    assert check_character("00000000000000000") == "0"


def test_make_builds_valid_codes() -> None:
    assert normalise(make("91440507MA4UXXXX0")) .startswith("91440507")


def test_non_ascii_digits_are_refused_not_crashed() -> None:
    with pytest.raises(InvalidUSCC):
        normalise("9144030019220382١6")  # an Arabic-Indic digit matches \d, not the alphabet
