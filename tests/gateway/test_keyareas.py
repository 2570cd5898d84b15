"""Key-area rules: licence numbers and industry codes, and loading rules from TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.keyareas import DEFAULT_RULES, KeyAreaRulesError, derive_tags, load_rules
from gateway.records import KeyArea


@pytest.mark.parametrize(
    ("number", "area"),
    [
        ("SC10644050700123", KeyArea.FOOD_PRODUCTION),
        ("sc10644050700123", KeyArea.FOOD_PRODUCTION),
        ("SC12744050700123", KeyArea.SPECIAL_FOOD),
        ("SC12844051500019", KeyArea.SPECIAL_FOOD),
        ("SC12944051500019", KeyArea.SPECIAL_FOOD),
        ("SC20144051500019", KeyArea.FOOD_ADDITIVE_PRODUCTION),
        ("TS2210890-2015", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION),
        ("SC1064405070012", None),  # 13 digits
        ("TS221089-2015", None),
        ("JY14405070012345", None),  # food business, not production
        ("", None),
    ],
)
def test_licence_numbers(number: str, area: KeyArea | None) -> None:
    rule = DEFAULT_RULES.for_licence(number)
    assert (rule.key_area if rule else None) == area


@pytest.mark.parametrize(
    ("code", "area"),
    [
        ("C1361", KeyArea.FOOD_PRODUCTION),
        ("1420", KeyArea.FOOD_PRODUCTION),
        ("C1492", KeyArea.SPECIAL_FOOD),  # the longer prefix wins over C14
        ("C1495", KeyArea.FOOD_ADDITIVE_PRODUCTION),
        ("C3411", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION),
        ("C3435", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION),
        ("C2451", None),
        (None, None),
        ("", None),
    ],
)
def test_industry_codes(code: str | None, area: KeyArea | None) -> None:
    rule = DEFAULT_RULES.for_industry(code)
    assert (rule.key_area if rule else None) == area


def test_prefix_forms() -> None:
    from gateway.keyareas import IndustryRule, KeyAreaRules

    rules = KeyAreaRules((), (IndustryRule("C", KeyArea.FOOD_PRODUCTION, "x"),
                              IndustryRule("3435", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION, "y")))
    assert rules.for_industry("1391") is None  # a section letter alone says nothing of digits
    assert rules.for_industry("C1391") is not None
    rule = rules.for_industry("C3435")
    assert rule is not None and rule.key_area is KeyArea.SPECIAL_EQUIPMENT_PRODUCTION


def test_only_valid_licences_tag() -> None:
    licences = [
        {"id": 1, "number": "SC10644050700123", "status": "VALID"},
        {"id": 2, "number": "TS2210890-2015", "status": "REVOKED"},
    ]
    tags = derive_tags(DEFAULT_RULES, "C2451", licences)
    assert {(t.key_area, t.origin) for t in tags} == {(KeyArea.FOOD_PRODUCTION, "license:1")}


def test_rules_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[licence]]\npattern = "XK\\\\d{6}"\nkey_area = "SPECIAL_FOOD"\nreason = "test"\n'
        '[[industry]]\nprefix = "C24"\nkey_area = "FOOD_PRODUCTION"\nreason = "test"\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.for_licence("XK123456") is not None
    assert rules.for_licence("SC10644050700123") is None
    assert rules.for_industry("C2451") is not None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[licence]]\npattern = "("\nkey_area = "SPECIAL_FOOD"\nreason = "x"\n', "not a regex"),
        ('[[licence]]\npattern = "SC"\nkey_area = "TOYS"\nreason = "x"\n', "key_area 'TOYS'"),
        ('[[licence]]\nkey_area = "SPECIAL_FOOD"\nreason = "x"\n', "pattern must be"),
        (
            '[[industry]]\nprefix = "food"\nkey_area = "SPECIAL_FOOD"\nreason = "x"\n',
            "not a GB/T 4754",
        ),
        ('[[industry]]\nprefix = "C14"\nkey_area = "SPECIAL_FOOD"\n', "reason must be"),
        ("[[licence]\n", "rules.toml"),
    ],
)
def test_bad_rules_are_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KeyAreaRulesError, match=problem.replace("(", r"\(")):
        load_rules(path)
