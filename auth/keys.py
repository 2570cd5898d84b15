"""The gateway's own signing keys: Ed25519 JWKs in a folder, one file per key.

A key file is `<created>-<kid>.jwk.json` (created as UTC `YYYYMMDDTHHMMSSffffffZ`, kid the
RFC 7638 thumbprint), so sorting the names sorts the keys by age; the newest signs and all of
them verify. Files are written to a temporary name and linked into place under an exclusive
lock on the folder, so a reader never sees half a key and two processes starting at once
create one first key between them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

ALGORITHM = "EdDSA"
_SUFFIX = ".jwk.json"
_NAME = re.compile(r"^(?P<created>\d{8}T\d{12}Z)-(?P<kid>[A-Za-z0-9_-]{43})\.jwk\.json\Z")
_LOCK = ".lock"


class KeyStoreError(Exception):
    """The key folder cannot be read or changed; the message names the file or key."""


class SigningKeys:
    """The gateway's keys, oldest first; the newest signs, all of them verify."""

    def __init__(self, keys: Sequence[OKPKey]) -> None:
        if not keys:
            raise KeyStoreError("no signing key")
        self._keys = tuple(keys)
        self._by_kid = {_kid(key): key for key in self._keys}
        self._signing_kid = _kid(self._keys[-1])  # a thumbprint is a hash: taken once

    @classmethod
    def load_or_create(cls, folder: Path) -> SigningKeys:
        """The keys in `folder`; creates the folder (0700) and a first key when there is none."""
        _make_folder(folder)
        with _locked(folder):
            keys = _read_keys(folder)
            if not keys:
                keys = [_write_new_key(folder)]
        return cls(keys)

    @property
    def signing_key(self) -> OKPKey:
        """The newest key: the one that signs."""
        return self._keys[-1]

    @property
    def signing_kid(self) -> str:
        """The id of the key that signs."""
        return self._signing_kid

    @property
    def kids(self) -> tuple[str, ...]:
        """Key ids, oldest first."""
        return tuple(self._by_kid)

    def find(self, kid: str) -> OKPKey | None:
        """The key with this id, or None."""
        return self._by_kid.get(kid)

    def jwks(self) -> dict[str, Any]:
        """The public JWK Set to publish, newest key first."""
        return {"keys": [_public_jwk(key) for key in reversed(self._keys)]}

    @property
    def key_set(self) -> KeySet:
        """The public keys as a joserfc KeySet, for verification."""
        return KeySet([OKPKey.import_key(_public_jwk(key)) for key in self._keys])


def rotate(folder: Path) -> str:
    """Add a new key to `folder`, which signs from now on; returns its kid."""
    _make_folder(folder)
    with _locked(folder):
        return _kid(_write_new_key(folder))


def retire(folder: Path, kid: str) -> None:
    """Remove the key `kid` from `folder`; its tokens stop verifying once the keys are reloaded.

    Refuses to remove the last remaining key."""
    with _locked(folder):
        files = _key_files(folder)
        chosen = [path for path in files if _kid_of_name(path) == kid]
        if not chosen:
            raise KeyStoreError(f"no key with kid {kid!r} in {folder}")
        if len(files) == 1:
            raise KeyStoreError(f"key {kid!r} is the only key in {folder}; rotate first")
        chosen[0].unlink()
        _sync_folder(folder)


def _kid(key: OKPKey) -> str:
    return key.thumbprint()


def _public_jwk(key: OKPKey) -> dict[str, Any]:
    public = key.as_dict(private=False)
    return {
        "kty": public["kty"],
        "crv": public["crv"],
        "x": public["x"],
        "kid": _kid(key),
        "use": "sig",
        "alg": ALGORITHM,
    }


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise KeyStoreError(f"cannot create the key folder {folder}: {error.strerror}") from None


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the key folder (released by the kernel if the process dies)."""
    try:
        handle = os.open(folder / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise KeyStoreError(f"cannot lock the key folder {folder}: {error.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _key_files(folder: Path) -> list[Path]:
    """Key files, oldest first; a `.jwk.json` file with a foreign name is an error."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(_SUFFIX))
    except OSError as error:
        raise KeyStoreError(f"cannot read the key folder {folder}: {error.strerror}") from None
    for name in names:
        if not _NAME.match(name):
            raise KeyStoreError(f"{folder / name}: not a key file name (<created>-<kid>.jwk.json)")
    return [folder / name for name in names]


def _kid_of_name(path: Path) -> str:
    match = _NAME.match(path.name)
    assert match is not None  # _key_files only returns matching names
    return match["kid"]


def _read_keys(folder: Path) -> list[OKPKey]:
    return [_read_key(path) for path in _key_files(folder)]


def _read_key(path: Path) -> OKPKey:
    """One private Ed25519 key whose thumbprint matches its file name."""
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        key = OKPKey.import_key(data)
    except OSError as error:
        raise KeyStoreError(f"{path}: cannot read the key ({error.strerror})") from None
    except (ValueError, TypeError, KeyError, JoseError):
        raise KeyStoreError(f"{path}: not a valid Ed25519 private JWK") from None
    if key.get("crv") != "Ed25519" or not key.is_private:
        raise KeyStoreError(f"{path}: not an Ed25519 private key")
    if data.get("kid") != _kid(key) or _kid_of_name(path) != _kid(key):
        raise KeyStoreError(f"{path}: kid does not match the key's thumbprint")
    return key


def _write_new_key(folder: Path) -> OKPKey:
    """Generate a key and link its file into place; the file is complete or absent."""
    key = OKPKey.generate_key("Ed25519")
    kid = _kid(key)
    created = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = folder / f"{created}-{kid}{_SUFFIX}"
    temporary = folder / f".tmp-{secrets.token_hex(8)}"
    body = json.dumps({**key.as_dict(private=True), "kid": kid, "use": "sig", "alg": ALGORITHM})
    try:
        _write_private(temporary, body.encode())
        os.link(temporary, final)
        _sync_folder(folder)
    except OSError as error:
        raise KeyStoreError(f"{final}: cannot write the key ({error.strerror})") from None
    finally:
        temporary.unlink(missing_ok=True)
    return key


def _write_private(path: Path, body: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as file:
        file.write(body)
        file.flush()
        os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
