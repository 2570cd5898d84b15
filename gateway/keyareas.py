"""Key-area tags (分类标注): derived from licences and industry codes by configurable rules.

A valid licence whose number matches a rule tags its holder; a licence that is revoked or
otherwise no longer valid removes that tag. An industry code (GB/T 4754) can tag too, and
staff can add manual tags. Every change is kept in `key_area_tag_changes` with its reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from gateway.database import Connection
from gateway.records import KeyArea


class KeyAreaRulesError(ValueError):
    """The key-area rules file is wrong; the message names the rule and the problem."""


@dataclasses.dataclass(frozen=True, slots=True)
class LicenceRule:
    pattern: re.Pattern[str]
    key_area: KeyArea
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class IndustryRule:
    prefix: str
    key_area: KeyArea
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class KeyAreaRules:
    """Ordered rules: the first matching licence rule decides a licence's key area."""

    licences: tuple[LicenceRule, ...]
    industries: tuple[IndustryRule, ...]

    def for_licence(self, number: str) -> LicenceRule | None:
        """The rule that tags a licence with this number, if any."""
        text = number.strip().upper()
        return next((r for r in self.licences if r.pattern.fullmatch(text)), None)

    def for_industry(self, code: str | None) -> IndustryRule | None:
        """The most specific rule matching a GB/T 4754 code ('C1391' or '1391')."""
        return _industry_rule(self, code.strip().upper()) if code else None


@functools.lru_cache(maxsize=8192)
def _industry_rule(rules: KeyAreaRules, code: str) -> IndustryRule | None:
    matches = [r for r in rules.industries if _industry_matches(r.prefix, code)]
    return max(matches, key=lambda r: len(r.prefix), default=None)


def _industry_matches(prefix: str, code: str) -> bool:
    """Whether a code ('C1391', or its digits '1391') falls under a rule's prefix."""
    if prefix[:1].isalpha() and code[:1].isdigit():
        return len(prefix) > 1 and code.startswith(prefix[1:])
    if prefix[:1].isdigit() and code[:1].isalpha():
        return code[1:].startswith(prefix)
    return code.startswith(prefix)


def _licence(pattern: str, area: KeyArea, reason: str) -> LicenceRule:
    return LicenceRule(re.compile(pattern), area, reason)


# Food production licence numbers (SAMR Order 24 of 2020, Art.30): SC + 3-digit category
# (1xx food, 2xx additives; 127 health food, 128 special medical, 129 infant formula) +
# province, city, county, sequence and check. Special equipment: TS + 7 digits + year.
DEFAULT_RULES = KeyAreaRules(
    licences=(
        _licence(r"SC12[789]\d{11}", KeyArea.SPECIAL_FOOD, "特殊食品生产许可证"),
        _licence(r"SC1\d{13}", KeyArea.FOOD_PRODUCTION, "食品生产许可证"),
        _licence(r"SC2\d{13}", KeyArea.FOOD_ADDITIVE_PRODUCTION, "食品添加剂生产许可证"),
        _licence(r"TS\d{7}-\d{4}", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION, "特种设备生产许可证"),
    ),
    industries=(
        IndustryRule("C13", KeyArea.FOOD_PRODUCTION, "行业代码 C13 农副食品加工业"),
        IndustryRule("C14", KeyArea.FOOD_PRODUCTION, "行业代码 C14 食品制造业"),
        IndustryRule("C15", KeyArea.FOOD_PRODUCTION, "行业代码 C15 酒、饮料和精制茶制造业"),
        IndustryRule("C1492", KeyArea.SPECIAL_FOOD, "行业代码 C1492 保健食品制造"),
        IndustryRule(
            "C1495", KeyArea.FOOD_ADDITIVE_PRODUCTION, "行业代码 C1495 食品及饲料添加剂制造"
        ),
        IndustryRule(
            "C341", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION, "行业代码 C341 锅炉及原动设备制造"
        ),
        IndustryRule(
            "C3432", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION, "行业代码 C3432 生产专用起重机制造"
        ),
        IndustryRule(
            "C3435",
            KeyArea.SPECIAL_EQUIPMENT_PRODUCTION,
            "行业代码 C3435 电梯、自动扶梯及升降机制造",
        ),
        IndustryRule("C3436", KeyArea.SPECIAL_EQUIPMENT_PRODUCTION, "行业代码 C3436 客运索道制造"),
    ),
)


def load_rules(path: Path) -> KeyAreaRules:
    """Read rules from TOML: `[[licence]] pattern, key_area, reason` and
    `[[industry]] prefix, key_area, reason`, replacing the defaults."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KeyAreaRulesError(f"{path.name}: {exc}") from None
    licences = tuple(_parse_licence(path.name, i, r) for i, r in enumerate(data.get("licence", [])))
    industries = tuple(
        _parse_industry(path.name, i, r) for i, r in enumerate(data.get("industry", []))
    )
    return KeyAreaRules(licences, industries)


def _key_area(where: str, value: Any) -> KeyArea:
    try:
        return KeyArea(value)
    except ValueError:
        names = ", ".join(k.value for k in KeyArea)
        raise KeyAreaRulesError(f"{where}: key_area {value!r} is not one of {names}") from None


def _text(where: str, rule: Any, key: str) -> str:
    value = rule.get(key) if isinstance(rule, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise KeyAreaRulesError(f"{where}: {key} must be a non-empty string")
    return value


def _parse_licence(name: str, index: int, rule: Any) -> LicenceRule:
    where = f"{name}: licence rule {index + 1}"
    pattern = _text(where, rule, "pattern")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise KeyAreaRulesError(f"{where}: pattern {pattern!r} is not a regex: {exc}") from None
    return LicenceRule(
        compiled, _key_area(where, rule.get("key_area")), _text(where, rule, "reason")
    )


def _parse_industry(name: str, index: int, rule: Any) -> IndustryRule:
    where = f"{name}: industry rule {index + 1}"
    prefix = _text(where, rule, "prefix").strip().upper()
    if not re.fullmatch(r"[A-T]?\d{1,4}|[A-T]", prefix):
        raise KeyAreaRulesError(f"{where}: prefix {prefix!r} is not a GB/T 4754 code prefix")
    return IndustryRule(
        prefix, _key_area(where, rule.get("key_area")), _text(where, rule, "reason")
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Tag:
    key_area: KeyArea
    origin: str
    reason: str


def derive_tags(rules: KeyAreaRules, industry: str | None, licences: list[Any]) -> set[Tag]:
    """The tags an enterprise should carry from its industry code and its valid licences."""
    tags: set[Tag] = set()
    rule = rules.for_industry(industry)
    if rule is not None:
        tags.add(Tag(rule.key_area, "industry", rule.reason))
    for licence in licences:
        if licence.get("status") != "VALID":
            continue
        match = rules.for_licence(licence.get("number") or "")
        if match is not None:
            reason = f"{match.reason} {licence['number']}"
            tags.add(Tag(match.key_area, f"license:{licence['id']}", reason))
    return tags


_CURRENT = """
SELECT u.uscc, e.industry, e.key_areas,
       (SELECT jsonb_agg(jsonb_build_object('id', r.id, 'number', r.payload->>'number',
                                            'status', r.payload->>'status'))
        FROM records r WHERE r.uscc = u.uscc AND r.kind = 'LICENSE') AS licences,
       (SELECT jsonb_agg(jsonb_build_object('key_area', t.key_area, 'origin', t.origin,
                                            'reason', t.reason))
        FROM key_area_tags t WHERE t.uscc = u.uscc) AS tags
FROM unnest($1::text[]) AS u(uscc)
-- One index probe per code: LIMIT keeps the planner from scanning every enterprise.
LEFT JOIN LATERAL (
    SELECT e.industry, e.key_areas FROM enterprises e WHERE e.uscc = u.uscc LIMIT 1
) e ON true
"""

_APPLY = """
WITH removed AS (
    DELETE FROM key_area_tags t
    USING unnest($1::text[], $2::text[], $3::text[]) AS d(uscc, key_area, origin)
    WHERE t.uscc = d.uscc AND t.key_area = d.key_area AND t.origin = d.origin
), added AS (
    INSERT INTO key_area_tags (uscc, key_area, origin, reason, since)
    SELECT uscc, key_area, origin, reason, $8
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS a(uscc, key_area, origin, reason)
), history AS (
    INSERT INTO key_area_tag_changes (uscc, key_area, origin, change, reason, changed_at)
    SELECT uscc, key_area, origin, 'REMOVED', $9, $8
    FROM unnest($1::text[], $2::text[], $3::text[]) AS d(uscc, key_area, origin)
    UNION ALL
    SELECT uscc, key_area, origin, 'ADDED', reason, $8
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS a(uscc, key_area, origin, reason)
)
UPDATE enterprises e SET key_areas = string_to_array(k.areas, ',')
FROM unnest($10::text[], $11::text[]) AS k(uscc, areas)
WHERE e.uscc = k.uscc AND e.key_areas IS DISTINCT FROM string_to_array(k.areas, ',')
"""

_REMOVAL_REASON = "依据的许可证或行业代码已不再有效"


@dataclasses.dataclass(slots=True)
class _Plan:
    removed: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)
    added: list[tuple[str, str, str, str]] = dataclasses.field(default_factory=list)
    areas: dict[str, str] = dataclasses.field(default_factory=dict)


def _plan(rows: list[Any], rules: KeyAreaRules) -> _Plan:
    plan = _Plan()
    industry_rules: dict[str | None, IndustryRule | None] = {}  # a batch repeats few codes
    for row in rows:
        if row["licences"] is None and row["tags"] is None:
            industry = row["industry"]
            if industry not in industry_rules:
                industry_rules[industry] = rules.for_industry(industry)
            _plan_industry_only(plan, row, industry_rules[industry])
        else:
            _plan_row(plan, row, rules)
    return plan


def _plan_industry_only(plan: _Plan, row: Any, rule: IndustryRule | None) -> None:
    """An enterprise without licences or tags (the common case): its industry's tag only."""
    if rule is None:
        _plan_areas(plan, row, [])
        return
    plan.added.append((row["uscc"], rule.key_area.value, "industry", rule.reason))
    _plan_areas(plan, row, [rule.key_area.value])


def _plan_row(plan: _Plan, row: Any, rules: KeyAreaRules) -> None:
    uscc = row["uscc"]
    current = {Tag(KeyArea(t["key_area"]), t["origin"], t["reason"]) for t in row["tags"] or ()}
    manual = {t for t in current if t.origin == "manual"}
    wanted = derive_tags(rules, row["industry"], row["licences"] or []) | manual
    have = {(t.key_area, t.origin) for t in current}
    want = {(t.key_area, t.origin) for t in wanted}
    plan.removed += [
        (uscc, t.key_area.value, t.origin) for t in current if (t.key_area, t.origin) not in want
    ]
    plan.added += [
        (uscc, t.key_area.value, t.origin, t.reason)
        for t in wanted
        if (t.key_area, t.origin) not in have
    ]
    _plan_areas(plan, row, sorted({t.key_area.value for t in wanted}))


def _plan_areas(plan: _Plan, row: Any, areas: list[str]) -> None:
    """Set the enterprise's key areas, when it is in the index and they differ."""
    if row["key_areas"] is not None and list(row["key_areas"]) != areas:
        plan.areas[row["uscc"]] = ",".join(areas)


async def lock_tags(conn: Connection) -> None:
    """Take the key-area tags' lock until the transaction ends.

    Syncs of several sources run at once; one batch's licences and another's registration of
    the same enterprise must not be judged from snapshots that miss each other. A transaction
    that writes enterprise rows before refreshing tags takes this lock first: a refresh holding
    it updates enterprise rows, so taking it only after them can deadlock."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('credit-gateway key-area tags'))")


async def refresh_tags(
    conn: Connection, usccs: Collection[str], rules: KeyAreaRules, at: dt.datetime
) -> int:
    """Re-derive the tags of these enterprises; returns the number of tag changes."""
    if not usccs:
        return 0
    await lock_tags(conn)
    rows = await conn.fetch(_CURRENT, sorted(usccs))
    plan = _plan(rows, rules)
    if not plan.removed and not plan.added and not plan.areas:
        return 0
    await conn.execute(
        _APPLY,
        [r[0] for r in plan.removed],
        [r[1] for r in plan.removed],
        [r[2] for r in plan.removed],
        [a[0] for a in plan.added],
        [a[1] for a in plan.added],
        [a[2] for a in plan.added],
        [a[3] for a in plan.added],
        at,
        _REMOVAL_REASON,
        list(plan.areas),
        [plan.areas[u] for u in plan.areas],
    )
    return len(plan.removed) + len(plan.added)


class ManualTagError(ValueError):
    """A manual tag change cannot be made; the message says why."""


_ADD_MANUAL = """
WITH added AS (
    INSERT INTO key_area_tags (uscc, key_area, origin, reason, since)
    VALUES ($1, $2, 'manual', $3, $4) ON CONFLICT DO NOTHING RETURNING uscc
)
INSERT INTO key_area_tag_changes (uscc, key_area, origin, change, reason, changed_at)
SELECT uscc, $2, 'manual', 'ADDED', $3, $4 FROM added
RETURNING id
"""

_REMOVE_MANUAL = """
WITH removed AS (
    DELETE FROM key_area_tags WHERE uscc = $1 AND key_area = $2 AND origin = 'manual'
    RETURNING uscc
)
INSERT INTO key_area_tag_changes (uscc, key_area, origin, change, reason, changed_at)
SELECT uscc, $2, 'manual', 'REMOVED', $3, $4 FROM removed
RETURNING id
"""


async def set_manual_tag(
    conn: Connection,
    uscc: str,
    key_area: KeyArea,
    reason: str,
    *,
    present: bool,
    rules: KeyAreaRules,
    at: dt.datetime,
) -> bool:
    """Add (present=True) or remove a staff-set tag with its reason; False if nothing changed.

    Derived tags stay as the rules decide: removing a manual tag does not remove a tag that a
    licence or the industry code gives."""
    if not reason.strip():
        raise ManualTagError("a reason is required for a manual tag change")
    async with conn.transaction():
        if not await conn.fetchval("SELECT 1 FROM enterprises WHERE uscc = $1", uscc):
            raise ManualTagError(f"no enterprise {uscc} in the archive")
        changed = await conn.fetchval(
            _ADD_MANUAL if present else _REMOVE_MANUAL, uscc, key_area.value, reason.strip(), at
        )
        if changed is not None:
            await refresh_tags(conn, [uscc], rules, at)
    return changed is not None


async def tag_history(conn: Connection, uscc: str) -> list[Any]:
    """Every tag change of one enterprise, oldest first."""
    return list(
        await conn.fetch(
            "SELECT changed_at, key_area, origin, change, reason FROM key_area_tag_changes"
            " WHERE uscc = $1 ORDER BY id",
            uscc,
        )
    )
