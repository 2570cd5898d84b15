"""The gateway's signing keys in their folder: creation, loading, rotation, bad files."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from joserfc.jwk import ECKey, OKPKey, thumbprint

from auth.keys import KeyStoreError, SigningKeys, retire, rotate

NAME = re.compile(r"^\d{8}T\d{12}Z-[A-Za-z0-9_-]{43}\.jwk\.json\Z")


def key_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jwk.json"))


def test_first_load_creates_a_private_folder_with_one_private_key(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "keys"
    keys = SigningKeys.load_or_create(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    [path] = key_files(folder)
    assert NAME.match(path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["kty"] == "OKP" and stored["crv"] == "Ed25519" and "d" in stored
    assert keys.kids == (stored["kid"],)
    assert path.name.endswith(f"-{stored['kid']}.jwk.json")


def test_kid_is_the_rfc7638_thumbprint(tmp_path: Path) -> None:
    keys = SigningKeys.load_or_create(tmp_path / "keys")
    [public] = keys.jwks()["keys"]
    assert public["kid"] == thumbprint({"kty": "OKP", "crv": "Ed25519", "x": public["x"]})


def test_jwks_has_public_parts_only(tmp_path: Path) -> None:
    keys = SigningKeys.load_or_create(tmp_path / "keys")
    [public] = keys.jwks()["keys"]
    assert set(public) == {"kty", "crv", "x", "kid", "use", "alg"}
    assert public["use"] == "sig" and public["alg"] == "EdDSA"
    assert [key.is_private for key in keys.key_set] == [False]


def test_second_load_finds_the_same_key(tmp_path: Path) -> None:
    first = SigningKeys.load_or_create(tmp_path / "keys")
    second = SigningKeys.load_or_create(tmp_path / "keys")
    assert second.kids == first.kids
    assert len(key_files(tmp_path / "keys")) == 1


def test_processes_starting_together_create_one_key(tmp_path: Path) -> None:
    folder, go = tmp_path / "keys", tmp_path / "go"
    # Each process imports first, then waits for `go`, so their first loads overlap.
    code = (
        "import sys, time; from pathlib import Path; from auth.keys import SigningKeys\n"
        "while not Path(sys.argv[2]).exists(): time.sleep(0.001)\n"
        "print(SigningKeys.load_or_create(Path(sys.argv[1])).kids[0])"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(folder), str(go)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    go.touch()
    kids = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert all(process.returncode == 0 for process in processes)
    assert len(key_files(folder)) == 1
    assert kids == set(SigningKeys.load_or_create(folder).kids)


def test_rotate_adds_a_key_that_signs_while_the_old_one_stays_published(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    old = SigningKeys.load_or_create(folder).kids[0]
    new = rotate(folder)
    keys = SigningKeys.load_or_create(folder)
    assert keys.kids == (old, new)
    assert keys.signing_key.thumbprint() == new
    assert [k["kid"] for k in keys.jwks()["keys"]] == [new, old]
    assert keys.find(old) is not None and keys.find("nope") is None


def test_retire_removes_an_old_key(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    old = SigningKeys.load_or_create(folder).kids[0]
    new = rotate(folder)
    retire(folder, old)
    assert SigningKeys.load_or_create(folder).kids == (new,)


def test_retire_may_remove_the_newest_when_another_remains(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    old = SigningKeys.load_or_create(folder).kids[0]
    retire(folder, rotate(folder))
    assert SigningKeys.load_or_create(folder).signing_key.thumbprint() == old


def test_retire_refuses_the_last_key(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    only = SigningKeys.load_or_create(folder).kids[0]
    with pytest.raises(KeyStoreError, match="only key"):
        retire(folder, only)
    assert SigningKeys.load_or_create(folder).kids == (only,)


def test_retire_refuses_an_unknown_kid(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    SigningKeys.load_or_create(folder)
    rotate(folder)
    with pytest.raises(KeyStoreError, match="no key with kid 'nope'"):
        retire(folder, "nope")
    assert len(key_files(folder)) == 2


def test_leftover_temporary_files_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    kids = SigningKeys.load_or_create(folder).kids
    (folder / ".tmp-0123456789abcdef").write_text("{half a key")
    assert SigningKeys.load_or_create(folder).kids == kids


def _replace_content(folder: Path, content: str) -> Path:
    [path] = key_files(folder)
    path.write_text(content)
    return path


def _other_private_jwk(kty: str) -> str:
    key = OKPKey.generate_key("Ed25519") if kty == "OKP" else ECKey.generate_key("P-256")
    return json.dumps({**key.as_dict(private=True), "kid": key.thumbprint()})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a valid Ed25519 private JWK"),
        ("[1, 2]", "not a valid Ed25519 private JWK"),
        ('{"kty": "OKP", "crv": "Ed25519"}', "not a valid Ed25519 private JWK"),
        ('{"kty": "oct", "k": "c2VjcmV0"}', "not a valid Ed25519 private JWK"),
        ("EC", "not a valid Ed25519 private JWK"),
        ("public", "not an Ed25519 private key"),
        ("other", "kid does not match"),
    ],
)
def test_a_corrupt_key_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    folder = tmp_path / "keys"
    keys = SigningKeys.load_or_create(folder)
    if content == "EC":
        content = _other_private_jwk("EC")
    elif content == "public":
        content = json.dumps(keys.jwks()["keys"][0])
    elif content == "other":
        content = _other_private_jwk("OKP")
    path = _replace_content(folder, content)
    with pytest.raises(KeyStoreError, match=message) as caught:
        SigningKeys.load_or_create(folder)
    assert str(path) in str(caught.value)


def test_a_kid_in_the_file_that_differs_from_its_key_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    SigningKeys.load_or_create(folder)
    [path] = key_files(folder)
    stored = json.loads(path.read_text())
    path.write_text(json.dumps({**stored, "kid": "someone-else"}))
    with pytest.raises(KeyStoreError, match="kid does not match") as caught:
        SigningKeys.load_or_create(folder)
    assert str(path) in str(caught.value)


def test_an_unreadable_key_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    SigningKeys.load_or_create(folder)
    [path] = key_files(folder)
    path.unlink()
    path.mkdir()  # readable by no one, root included
    with pytest.raises(KeyStoreError, match="cannot read the key") as caught:
        SigningKeys.load_or_create(folder)
    assert str(path) in str(caught.value)


def test_a_key_file_with_a_foreign_name_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    SigningKeys.load_or_create(folder)
    stray = folder / "backup.jwk.json"
    stray.write_text("{}")
    with pytest.raises(KeyStoreError, match="not a key file name") as caught:
        SigningKeys.load_or_create(folder)
    assert str(stray) in str(caught.value)


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    folder.write_text("")
    with pytest.raises(KeyStoreError, match="cannot create the key folder"):
        SigningKeys.load_or_create(folder)


def test_no_keys_is_refused() -> None:
    with pytest.raises(KeyStoreError):
        SigningKeys([])
