"""The supervision configuration: the shipped defaults, a replacement file, and bad values."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from gateway.records import EnterpriseStatus
from gateway.settings import Settings, SettingsError
from gateway.supervision.config import (
    SupervisionConfigError,
    default_config,
    load_config,
    parse_config,
)
from gateway.supervision.grounds import Rule


def shipped() -> dict[str, Any]:
    text = resources.files("gateway.supervision").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_the_shipped_defaults() -> None:
    config = default_config()
    assert config.high_risk_classes == {"C", "D"}
    assert (config.repeated_min_penalties, config.repeated_window_months) == (3, 24)
    assert config.statuses == {EnterpriseStatus.OPERATING, EnterpriseStatus.SUSPENDED}
    assert config.measures["FOCUSED_INSPECTION"] == "重点检查"
    assert config.measures["RAISED_SAMPLING"] == "提高抽查比例"
    assert config.measures["INTERVIEW"] == "约谈"
    assert set(config.ground_measures) == set(Rule)
    assert config.measure_name("GONE") == "GONE"


def test_a_file_replaces_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "supervision.toml"
    path.write_text(
        '[rules]\nhigh_risk_classes = ["D"]\nrepeated_min_penalties = 2\n'
        'repeated_window_months = 12\nstatuses = ["OPERATING"]\n'
        '[measures]\nVISIT = "上门检查"\n'
        '[grounds]\nKEY_AREA_HIGH_RISK = ["VISIT"]\nSERIOUS_LIST = ["VISIT"]\n'
        'REPEATED_VIOLATIONS = ["VISIT"]\nMANUAL = ["VISIT"]\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.high_risk_classes == {"D"} and config.repeated_window_months == 12
    assert config.measures_for((Rule.SERIOUS_LIST,)) == ("VISIT",)


def changed(section: str, key: str, value: Any) -> dict[str, Any]:
    data = shipped()
    if value is None:
        del data[section][key]
    else:
        data[section][key] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (changed("rules", "high_risk_classes", ["E"]), "'E' is not a risk class"),
        (changed("rules", "high_risk_classes", []), "non-empty list"),
        (changed("rules", "repeated_min_penalties", 1), "from 2 to 100, got 1"),
        (changed("rules", "repeated_min_penalties", "3"), "got '3'"),
        (changed("rules", "repeated_min_penalties", True), "got True"),
        (changed("rules", "repeated_window_months", 0), "from 1 to 120, got 0"),
        (changed("rules", "repeated_window_months", 121), "got 121"),
        (changed("rules", "statuses", ["ACTIVE"]), "'ACTIVE' is not a valid"),
        (changed("rules", "spare", 1), "unknown key 'spare'"),
        (changed("measures", "bad code", "x"), "'bad code' is not a code"),
        (changed("measures", "EMPTY", " "), "EMPTY needs a name"),
        (changed("grounds", "SERIOUS_LIST", ["NO_SUCH"]), "SERIOUS_LIST: no measure 'NO_SUCH'"),
        (changed("grounds", "MANUAL", None), "MANUAL must be a non-empty list"),
        (changed("grounds", "OTHER", ["INTERVIEW"]), "unknown key 'OTHER'"),
        ({k: v for k, v in shipped().items() if k != "grounds"}, "expected a table [grounds]"),
        ({**shipped(), "measures": {}}, "expected at least one measure"),
        ({**shipped(), "extra": {}}, "unknown key 'extra'"),
    ],
)
def test_bad_values_are_refused_naming_the_key(data: dict[str, Any], message: str) -> None:
    with pytest.raises(SupervisionConfigError, match=r"^here") as raised:
        parse_config(data, "here")
    assert message in str(raised.value)


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[rules\n", encoding="utf-8")
    with pytest.raises(SupervisionConfigError, match=r"broken\.toml"):
        load_config(path)


def test_the_setting_must_name_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SUPERVISION_RULES"):
        Settings.from_env({"SUPERVISION_RULES": str(tmp_path / "missing.toml"),
                           "GATEWAY_DATA_DIR": str(tmp_path)})
    path = tmp_path / "s.toml"
    path.write_text("", encoding="utf-8")
    settings = Settings.from_env({"SUPERVISION_RULES": str(path),
                                  "GATEWAY_DATA_DIR": str(tmp_path)})
    assert settings.supervision_rules == path
