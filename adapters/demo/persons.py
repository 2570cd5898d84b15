"""Personal data in the registration system: identity numbers, contact phones, home addresses.

Real registration exchange tables hold the legal representative's (an individual business's
operator's) resident identity number and a contact phone, and an individual business often
registers its operator's home as its address; the demo has them too, so the gateway has
personal data to mask. They are drawn from a random source of their own (`Context.personal`),
so they never shift the draws of any other value.
"""

from __future__ import annotations

import datetime as dt
import random

from adapters.demo import days
from adapters.demo.draws import BITS, table

ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
"""GB 11643-1999 weights of the first 17 digits: 2^(18-i) mod 11 for position i = 1..17."""
ID_CHECK = "10X98765432"
"""The check character for each weighted sum mod 11 (ISO 7064 MOD 11-2)."""
YOUNGEST = 22
OLDEST = 70
"""Ages of legal representatives on the day their enterprise was established."""

_MOBILE_PREFIXES = table(
    ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158",
     "159", "178", "182", "183", "184", "187", "188", "198", "130", "131", "132", "155",
     "156", "166", "176", "185", "186", "133", "153", "173", "177", "180", "181", "189",
     "191", "199"),
    (6, 8, 8, 8, 9, 9, 1, 5, 3, 2, 2, 4, 4, 1, 2, 1, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 2,
     2, 2, 2, 1, 1, 2, 1, 2, 1, 1),
)
_LANDLINE_SHARE = {"91": 0.3, "92": 0.05, "93": 0.15}
"""Share of enterprises, by authority and type, that give a Shantou office line, not a mobile."""
_NO_PHONE_SHARE = 0.03
"""Share of rows whose contact phone was left empty (an empty string in the exchange table)."""
_BLOCKS = table(("", "A座", "B座", "1栋", "2栋", "3栋", "5栋"), (60, 6, 6, 8, 8, 6, 6))


def check_character(first17: str) -> str:
    """The 18th character of a resident identity number whose first 17 digits are given."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def identity_number(rng: random.Random, division: str, on_day: int) -> str:
    """The 18-digit resident identity number of someone born in `division` who was 22 to 70
    years old on `on_day` (an ordinal): address code, birth date, sequence, check."""
    earliest = days.add_years(on_day, -(OLDEST + 1)) + 1
    latest = days.add_years(on_day, -YOUNGEST)
    # the mean of two uniform draws: more people in their forties than at either end
    born = earliest + int((rng.random() + rng.random()) / 2 * (latest - earliest + 1))
    body = f"{division}{dt.date.fromordinal(born):%Y%m%d}{rng.randrange(1, 1000):03d}"
    return body + check_character(body)


def contact_phone(rng: random.Random, kind: str) -> str:
    """A mainland mobile number or a Shantou landline (0754-8…); '' when none was given."""
    u = rng.random()
    if u < _NO_PHONE_SHARE:
        return ""
    if u < _NO_PHONE_SHARE + _LANDLINE_SHARE[kind]:
        return f"0754-8{rng.randrange(10_000_000):07d}"
    return _MOBILE_PREFIXES[rng.getrandbits(BITS)] + f"{rng.randrange(100_000_000):08d}"


def home_unit(rng: random.Random) -> str:
    """The flat part of a home address after the street number, e.g. 'A座502房' or '301房'."""
    return f"{_BLOCKS[rng.getrandbits(BITS)]}{rng.randint(1, 9)}0{rng.randint(1, 4)}房"
