"""The README's table of roles says what auth.roles grants."""

from __future__ import annotations

import re
from pathlib import Path

from auth.roles import ROLE_SCOPES, Role

README = Path(__file__).resolve().parents[2] / "README.md"


def _table() -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    for line in README.read_text("utf-8").splitlines():
        match = re.match(r"^\| `(\w+)` \|(.*)\|$", line)
        if match and match.group(1) in Role._value2member_map_:
            last = match.group(2).rsplit("|", 1)[-1]
            rows[match.group(1)] = set(re.findall(r"`([a-z]+:[a-z]+)`", last))
    return rows


def test_every_role_is_in_the_readme_with_its_scopes() -> None:
    table = _table()
    assert set(table) == {r.value for r in Role}
    for role, scopes in ROLE_SCOPES.items():
        assert table[role.value] == {s.value for s in scopes}, role
