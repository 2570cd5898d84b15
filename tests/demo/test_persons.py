"""Personal data in the demo registration rows: identity numbers, phones, home addresses."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter

import pytest

from adapters.demo import layout, persons
from adapters.demo.context import Chunk
from adapters.demo.generator import Generator
from adapters.demo.places import DISTRICTS

FEED = layout.REGISTRATIONS
PHONE = re.compile(r"1[3-9]\d{9}|0754-8\d{7}")
DIVISION_NAMES = {d.code: d.name for d in DISTRICTS}


def gb11643_valid(number: str) -> bool:
    """An independent checker: ISO 7064 MOD 11-2 in its recursive form, as GB 11643 uses it."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    p = 0
    for digit in number[:17]:
        p = (p + int(digit)) * 2 % 11
    check = (12 - p) % 11
    return number[17] == ("X" if check == 10 else str(check))


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def chunk() -> Chunk:
    return Generator(2026, 2000).chunk(0)


@pytest.fixture(scope="module")
def rows(chunk: Chunk) -> list[dict[str, object]]:
    """The registration rows without a deliberate fault, by column name."""
    faulty = {f.record_id for f in chunk.faults if f.feed == FEED.name}
    return [dict(zip(FEED.columns, row, strict=True)) for row in chunk.registrations
            if str(row[0]) not in faulty]


@pytest.mark.parametrize(
    ("number", "valid"),
    [("11010519491231002X", True), ("440524188001010014", True), ("110105194912310029", False),
     ("44052418800101001", False), ("44052418800101001x", False), ("A40524188001010014", False)],
)
def test_the_checker_knows_published_numbers(number: str, valid: bool) -> None:
    assert gb11643_valid(number) is valid


def test_check_character_matches_the_standard_example() -> None:
    assert persons.check_character("11010519491231002") == "X"
    assert persons.check_character("44052418800101001") == "4"
    with pytest.raises(ValueError):
        persons.check_character("4405241880010100")


def test_identity_numbers_pass_gb11643_and_name_the_enterprises_division(
    rows: list[dict[str, object]],
) -> None:
    numbers = [str(r["fddbrzjhm"]) for r in rows]
    assert all(gb11643_valid(n) for n in numbers), [n for n in numbers if not gb11643_valid(n)]
    assert all(n[:6] == r["xzqh"] and n[:6] in DIVISION_NAMES for n, r in zip(numbers, rows,
                                                                              strict=True))
    assert len(set(numbers)) == len(numbers)
    assert any(n.endswith("X") for n in numbers)
    sexes = Counter(int(n[16]) % 2 for n in numbers)
    assert sexes[0] and sexes[1]


def test_representatives_were_22_to_70_when_the_enterprise_was_established(
    rows: list[dict[str, object]],
) -> None:
    ages = []
    for r in rows:
        number = str(r["fddbrzjhm"])
        born = dt.datetime.strptime(number[6:14], "%Y%m%d").date()
        established = dt.datetime.strptime(str(r["clrq"]), "%Y%m%d").date()
        ages.append(age_on(born, established))
    assert persons.YOUNGEST == 22 and persons.OLDEST == 70
    assert min(ages) >= 22 and max(ages) <= 70
    assert min(ages) < 27 and max(ages) > 62, "ages span the range"


@pytest.mark.parametrize("day", [dt.date(2020, 2, 29), dt.date(1988, 1, 1), dt.date(2026, 11, 24)])
def test_ages_hold_at_the_edges_of_the_range(day: dt.date) -> None:
    rng = random.Random(day.toordinal())
    ages = set()
    for _ in range(20_000):
        number = persons.identity_number(rng, "440507", day.toordinal())
        assert gb11643_valid(number)
        ages.add(age_on(dt.datetime.strptime(number[6:14], "%Y%m%d").date(), day))
    assert min(ages) == 22 and max(ages) == 70


def test_phones_are_mobiles_or_shantou_landlines(rows: list[dict[str, object]]) -> None:
    phones = [str(r["lxdh"]) for r in rows]
    given = [p for p in phones if p]
    assert all(PHONE.fullmatch(p) for p in given), [p for p in given if not PHONE.fullmatch(p)]
    assert 0 < len(phones) - len(given) < 0.1 * len(phones), "a few rows leave it empty"
    landlines = sum(p.startswith("0754-") for p in given)
    assert 0.05 * len(given) < landlines < 0.5 * len(given)
    assert len(set(given)) > 0.99 * len(given)


def test_individual_businesses_give_their_operators_home_address(
    rows: list[dict[str, object]],
) -> None:
    individual = [r for r in rows if r["qylx"] == "个体工商户"]
    assert 0.05 * len(rows) < len(individual) < 0.4 * len(rows)
    home = re.compile(r"广东省汕头市(?P<division>\w+?[区县])\w+?(街道|镇)\w+?(路|大道)\d+号"
                      r"([AB]座|\d栋)?[1-9]0[1-4]房")
    for r in individual:
        match = home.fullmatch(str(r["zs"]))
        assert match, r["zs"]
        assert match["division"] == DIVISION_NAMES[str(r["xzqh"])]
        assert PHONE.fullmatch(str(r["lxdh"])) or r["lxdh"] == ""
    others = [r for r in rows if r["qylx"] != "个体工商户"]
    assert any(not str(r["zs"]).endswith("房") for r in others)


def test_personal_data_are_deterministic_for_a_seed(chunk: Chunk) -> None:
    columns = [FEED.position(c) for c in ("fddbrzjhm", "lxdh", "zs")]
    again = Generator(2026, 2000).chunk(0)
    other = Generator(2027, 2000).chunk(0)

    def personal(c: Chunk) -> list[tuple[object, ...]]:
        return [tuple(row[i] for i in columns) for row in c.registrations]

    assert personal(again) == personal(chunk)
    assert personal(other) != personal(chunk)
