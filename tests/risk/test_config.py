"""The models file: the shipped one loads; every kind of mistake is refused with a message
naming it, by the loader, the settings and the commands."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.risk.config import DEFAULT_PATH, RiskModelsError, load_models
from gateway.settings import Settings, SettingsError

SHIPPED = DEFAULT_PATH.read_text(encoding="utf-8")


def test_the_shipped_models_load() -> None:
    models = load_models()
    assert [m.label for m in models.models] == [
        "general@2026.1", "food@2026.1", "special-equipment@2026.1"]
    assert models.inspection_rates == {"A": 0.01, "B": 0.02, "C": 0.10, "D": 0.30}


def _general_only(**changes: str) -> str:
    """A file of the shipped rates and one general model, with lines replaced."""
    text = SHIPPED.split("# Food producers")[0]
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


BAD_FILES = [
    ("models = [", "models.toml"),
    (_general_only(**{'key_areas = []': 'key_areas = ["FOOD_PRODUCTION"]'}),
     "the general model) is needed, found 0"),
    (_general_only() + "[[models]]" + _general_only().split("[[models]]")[1]
     .replace('"general"', '"other"'), "the general model) is needed, found 2"),
    (_general_only(**{"YOUNG = 5.0": "YONG = 5.0"}), "unknown factor 'YONG'"),
    (_general_only(**{"YOUNG = 5.0": 'YOUNG = "five"'}), "weight of YOUNG must be a finite"),
    (_general_only(**{"YOUNG = 5.0": "YOUNG = nan"}), "weight of YOUNG must be a finite"),
    (_general_only(**{"YOUNG = 5.0": "YOUNG = true"}), "weight of YOUNG must be a finite"),
    (_general_only(**{"C = 12.0": "C = 3.0"}), "cut-offs must rise"),
    (_general_only(**{"D = 20.0\n": ""}), "must give exactly B, C and D"),
    (_general_only(**{'key_areas = []': 'key_areas = "none"'}), "key_areas must be a list"),
    (_general_only(**{'name = "general"': 'name = "General Model"'}), "name must be"),
    (_general_only(**{'version = "2026.1"': 'version = ""'}), "version must be"),
    (_general_only(**{'version = "2026.1"': 'version = "2026.1"\ncolour = "red"'}),
     "unknown keys: colour"),
    (_general_only(**{"D = 0.30": "D = 1.5"}), "shares above 0 and at most 1"),
    (_general_only(**{"B = 0.02": "B = 0.002"}), "must not fall"),
    (_general_only(**{"A = 0.01\n": ""}), "exactly A, B, C and D"),
    (_general_only() + "\n[extra]\nx = 1\n", "unknown top-level keys: extra"),
    ("[inspection_rates]\nA = 0.01\nB = 0.02\nC = 0.1\nD = 0.3\n", "[[models]] must hold"),
    (SHIPPED.replace('key_areas = ["SPECIAL_EQUIPMENT_PRODUCTION"]',
                     'key_areas = ["SPECIAL_FOOD"]'),
     "key area SPECIAL_FOOD is claimed by models 'food' and 'special-equipment'"),
    (SHIPPED.replace('key_areas = ["SPECIAL_EQUIPMENT_PRODUCTION"]', 'key_areas = ["TOYS"]'),
     "key area 'TOYS' is not one of"),
    (SHIPPED.replace('name = "special-equipment"', 'name = "food"'),
     "model name 'food' is used twice"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_a_bad_file_is_refused_naming_the_mistake(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "models.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RiskModelsError) as caught:
        load_models(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith("models.toml: ")


def test_a_good_variant_loads(tmp_path: Path) -> None:
    path = tmp_path / "models.toml"
    path.write_text(_general_only(**{'version = "2026.1"': 'version = "2026.2-test"'}),
                    encoding="utf-8")
    models = load_models(path)
    assert models.general.label == "general@2026.2-test" and models.sub_models == ()
    assert tomllib.loads(path.read_text(encoding="utf-8"))  # still TOML


def test_the_setting_wants_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"RISK_MODELS": str(tmp_path / "missing.toml")})
    assert caught.value.variable == "RISK_MODELS"
    assert Settings.from_env({}).risk_models is None
    assert Settings.from_env({"GATEWAY_RISK_FOLLOW": "false"}).risk_follow is False


def test_the_command_refuses_a_bad_models_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "models.toml"
    path.write_text(_general_only(**{"C = 12.0": "C = 3.0"}), encoding="utf-8")
    monkeypatch.setenv("RISK_MODELS", str(path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://127.0.0.1:1/none")
    assert main(["risk", "recompute"]) == 1
    assert "RISK_MODELS: models.toml: model 'general': cut-offs must rise" in (
        capsys.readouterr().err)


@pytest.mark.parametrize("argv", [
    ["risk", "evaluate", "--as-of", "2025-13-01"],
    ["risk", "evaluate", "--as-of", "yesterday"],
    ["risk", "evaluate", "--seed", "x"],
    ["risk", "forecast"],
])
def test_bad_arguments_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_serve_refuses_a_bad_models_file_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "models.toml"
    path.write_text(_general_only(**{"YOUNG = 5.0": "YONG = 5.0"}), encoding="utf-8")
    monkeypatch.setenv("RISK_MODELS", str(path))
    monkeypatch.setenv("GATEWAY_DATA_DIR", str(tmp_path))
    assert main(["serve"]) == 1
    assert "configuration error: models.toml: model 'general': unknown factor 'YONG'" in (
        capsys.readouterr().err)
