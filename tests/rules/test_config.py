"""The rules configuration file: corrections to built-in sets and extra calendar days."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.rules.config import RulesConfigError, load_rules_config
from gateway.rules.severity import Severity, penalty_severity
from tests.rules.support import INDIVIDUAL, D, M, penalty

GOOD = """
[calendar]
extra_holidays = [2099-01-01, "2099-01-02"]
extra_workdays = [2099-01-03]

[[rule_set]]
base = "samr-order107-2025.1"
version = "samr-order107-2025.1-gd.1"
minor_fine_limit_entity = "30000"
minor_fine_limit_individual = 3000
serious_area_words = ["化妆品"]
general_public_months = 12
publicity_covers_restriction = false
individual_code_prefixes = ["92", "93"]

[[rule_set]]
base = "samr-order107-2025.1"
version = "future-2027.1"
effective_from = 2027-01-01
legal_basis = "某新规定"
area_repair_months = 0
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file(tmp_path: Path) -> None:
    config = load_rules_config(write(tmp_path, GOOD))
    versions = [s.version for s in config.rules.sets]
    assert versions == ["samr-order45-2021.1", "samr-order107-2025.1-gd.1", "future-2027.1"]
    local = config.rules.in_force(D(2026, 3, 1))
    assert local.effective_from == D(2025, 12, 25)  # replaces its base, keeps its date
    assert local.individual_code_prefixes == ("92", "93")
    assert local.publicity_covers_restriction is False
    assert (
        penalty_severity(penalty(M.FINE, fine="40000"), D(2026, 3, 1), rules=config.rules)
        is Severity.GENERAL
    )
    assert penalty_severity(penalty(M.FINE, fine="40000"), D(2026, 3, 1)) is Severity.MINOR
    small = penalty(M.FINE, fine="3000.01", uscc=INDIVIDUAL)
    assert penalty_severity(small, D(2026, 3, 1), rules=config.rules) is Severity.GENERAL
    assert config.rules.in_force(D(2027, 1, 1)).legal_basis == "某新规定"
    assert config.rules.in_force(D(2027, 1, 1)).area_repair_months is None
    assert config.calendar.is_working_day(D(2099, 1, 2)) is False  # a Friday, configured
    assert config.calendar.is_working_day(D(2099, 1, 3)) is True  # a Saturday, configured


def test_empty_file_keeps_the_built_in_sets(tmp_path: Path) -> None:
    config = load_rules_config(write(tmp_path, ""))
    assert [s.version for s in config.rules.sets] == ["samr-order45-2021.1", "samr-order107-2025.1"]


BASE = '[[rule_set]]\nbase = "samr-order107-2025.1"\nversion = "v2"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[calendar\n", "rules.toml: Expected ']'"),
        ("[holidays]\n", "rules.toml: unknown section(s) holidays"),
        ("rule_set = 3\n", "rule_set must be an array of tables"),
        ("calendar = 3\n", "calendar must be a table"),
        ("[calendar]\nholidays = []\n", "calendar: unknown key(s) holidays"),
        ("[calendar]\nextra_holidays = 2099-01-01\n", "extra_holidays must be a list of dates"),
        ('[calendar]\nextra_holidays = ["1st May"]\n', "extra_holidays: '1st May' is not a date"),
        ("[calendar]\nextra_workdays = [2099-01-03T09:00:00]\n", "extra_workdays: datetime"),
        (
            "[calendar]\nextra_holidays = [2099-01-01]\nextra_workdays = [2099-01-01]\n",
            "both as holiday and as working day: 2099-01-01",
        ),
        (
            '[[rule_set]]\nbase = "order-99"\nversion = "x"\n',
            "rule_set 1: base 'order-99' is not one of",
        ),
        ('[[rule_set]]\nbase = "samr-order107-2025.1"\n', "rule_set 1: version must be given"),
        (
            '[[rule_set]]\nbase = "samr-order107-2025.1"\nversion = "samr-order107-2025.1"\n',
            "version must be given and differ from the base's",
        ),
        (BASE + "speed = 3\n", "rule_set 1: unknown key(s) speed"),
        (
            BASE + 'general_public_months = "12"\n',
            "general_public_months must be a whole number, got '12'",
        ),
        (
            BASE + "general_public_months = -1\n",
            "general_public_months must be a whole number, got -1",
        ),
        (
            BASE + "general_public_months = 0\n",
            "general_public_months must be a whole number of at least 1",
        ),
        (
            BASE + "minor_fine_limit_entity = 50000.5\n",
            "minor_fine_limit_entity must be a non-negative amount",
        ),
        (
            BASE + 'minor_fine_limit_entity = "五万"\n',
            "minor_fine_limit_entity must be a non-negative amount",
        ),
        (BASE + 'minor_fine_limit_entity = "-1"\n', "got '-1'"),
        (
            BASE + 'repair_waits_for_restriction = "yes"\n',
            "repair_waits_for_restriction must be true or false",
        ),
        (
            BASE + 'serious_area_words = "食品"\n',
            "serious_area_words must be a list of non-empty strings",
        ),
        (
            BASE + 'serious_area_words = ["食品", ""]\n',
            "serious_area_words must be a list of non-empty",
        ),
        (
            BASE + 'individual_code_prefixes = ["I2"]\n',
            "individual_code_prefixes: ['I2'] are not USCC",
        ),
        (BASE + 'legal_basis = ""\n', "legal_basis must be a non-empty string"),
        (BASE + 'effective_from = "soon"\n', "effective_from: 'soon' is not a date"),
        (
            BASE + BASE.replace('"v2"', '"v3"'),
            "rule_set 2: another rule set already comes into force on 2025-12-25",
        ),
        (
            BASE + BASE.replace('"samr-order107-2025.1"', '"samr-order45-2021.1"'),
            "versions must be unique",
        ),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RulesConfigError, match=re.escape(message)):
        load_rules_config(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RulesConfigError, match=re.escape("nowhere.toml")):
        load_rules_config(tmp_path / "nowhere.toml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes("[calendar]\n# 节假日\n".encode("gb18030"))
    with pytest.raises(RulesConfigError, match=re.escape("rules.toml: ")):
        load_rules_config(path)
