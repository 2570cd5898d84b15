"""Verification rule sets from the rules configuration file ([[verification_rule_set]])."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gateway.records import PenaltyMeasure
from gateway.rules.config import RulesConfigError, load_rules_config
from gateway.rules.purposes import DEFAULT_VERIFICATION_RULES, VERIFY_2021
from gateway.rules.verification import Purpose, Verdict, judge
from tests.rules.test_verification import D, penalty, profile

GOOD = """
[[verification_rule_set]]
base = "verify-2021.1"
version = "verify-2021.1-st.1"
procurement_fine_threshold = "800000"

[[verification_rule_set]]
base = "verify-2024.1"
version = "verify-2027.1"
effective_from = 2027-01-01
lookback_years = 5
procurement_fine_threshold = 3000000
major_measures = ["SUSPENSION", "CLOSURE"]
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return load_rules_config(path)


def test_configured_sets_replace_and_extend_the_built_in_ones(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD, encoding="utf-8")
    book = load_rules_config(path).verification
    assert [s.version for s in book.sets] == [
        "verify-2021.1-st.1", "verify-2022.1", "verify-2024.1", "verify-2027.1",
    ]
    assert book.in_force(D(2021, 10, 1)).procurement_fine_threshold == Decimal("800000")
    assert book.in_force(D(2021, 10, 1)).effective_from == VERIFY_2021.effective_from
    later = book.in_force(D(2027, 1, 1))
    assert (later.lookback_years, later.procurement_fine_threshold) == (5, Decimal("3000000"))
    assert later.major_measures == {PenaltyMeasure.SUSPENSION, PenaltyMeasure.CLOSURE}
    fine = profile(penalty(PenaltyMeasure.FINE, fine="900000", decided=D(2021, 9, 20)))
    on = D(2021, 10, 1)
    assert judge(fine, Purpose.GOVERNMENT_PROCUREMENT, on, rules=book).verdict is Verdict.RESTRICTED
    assert judge(fine, Purpose.GOVERNMENT_PROCUREMENT, on).verdict is Verdict.CAUTION


def test_without_the_section_the_built_in_sets_apply(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[calendar]\n", encoding="utf-8")
    assert load_rules_config(path).verification.sets == DEFAULT_VERIFICATION_RULES.sets


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("verification_rule_set = 1", "verification_rule_set must be an array of tables"),
        ("verification_rule_set = [1]", "verification_rule_set 1 must be a table"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\ncolour = 1',
         "verification_rule_set 1: unknown key"),
        ('[[verification_rule_set]]\nbase = "verify-1999"\nversion = "v-2"',
         "base 'verify-1999' is not one of verify-2021.1, verify-2022.1, verify-2024.1"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"', "version must be given"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "verify-2021.1"',
         "differ from the base"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v 2"', "version must be letters"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v+2"', "version must be letters"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\n'
         'procurement_fine_threshold = "-5"', "procurement_fine_threshold must be a non-negative"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\n'
         'procurement_fine_threshold = 1.5', "procurement_fine_threshold must be a non-negative"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\n'
         'procurement_fine_threshold = "0"', "procurement_fine_threshold must be a positive"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\nlookback_years = 0',
         "lookback_years must be a whole number of at least 1"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\nescalation_years = true',
         "escalation_years must be a whole number"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\nabnormal_escalation = 1',
         "abnormal_escalation must be true or false"),
        ('[[verification_rule_set]]\nbase = "verify-2024.1"\nversion = "v-2"\nabnormal_escalation = true',
         "ABNORMAL_LIST_ESCALATED must RESTRICTS"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\nmajor_measures = ["JAIL"]',
         "major_measures must be a list of penalty measures"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\neffective_from = "soon"',
         "effective_from: 'soon' is not a date"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-2"\n'
         '[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "v-3"',
         "verification_rule_set 2: another rule set already comes into force on 2021-09-01"),
        ('[[verification_rule_set]]\nbase = "verify-2021.1"\nversion = "verify-2022.1"\n'
         "effective_from = 2020-01-01", "versions must be unique"),
    ],
)
def test_bad_verification_entries_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RulesConfigError, match=message) as caught:
        load(tmp_path, text)
    assert str(caught.value).startswith("rules.toml")
