"""Reads keyed by a list of codes, in two forms: for several codes and for one.

PostgreSQL plans `unnest($1::text[])` of a parameter for 100 rows, so the plan it could keep
for the list form always looks dearer than one made for the actual array, and it plans that
query again on every call: for a profile, planning cost three times its execution. With a
single code as a scalar parameter the kept plan is as good as a fresh one, and a request
about one enterprise (the usual one) skips planning. Templates are constants of this
package; `{codes}` marks where the code list goes, exposing `u.uscc`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from gateway.archive import Queryable

_MANY = "unnest($1::text[]) AS u(uscc)"
_ONE = "(SELECT $1::text AS uscc) AS u"


@dataclasses.dataclass(frozen=True, slots=True)
class PerCodeQuery:
    """One query in both forms; $1 is the codes, $2... the further arguments."""

    many: str
    one: str

    @classmethod
    def of(cls, template: str) -> PerCodeQuery:
        if template.count("{codes}") != 1:
            raise ValueError("a per-code query names {codes} exactly once")
        return cls(template.replace("{codes}", _MANY), template.replace("{codes}", _ONE))

    async def fetch(self, conn: Queryable, usccs: Sequence[str], *args: Any) -> list[Any]:
        """The rows for `usccs`."""
        if len(usccs) == 1:
            return await conn.fetch(self.one, usccs[0], *args)
        return await conn.fetch(self.many, list(usccs), *args)
