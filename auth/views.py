"""What each caller may see of a profile: the public view, the full view, personal data.

Pure rules, applied in one place (schema.enterprise.mapping) to every profile served.

- The public sees what is under publicity today (Order 45, Order 107, domain.md §4):
  ordinary-procedure penalties while public and not repaired, inspection results while
  public, list entries in force, licences and commitments (but not those the enterprise
  asked to keep unpublished).
- `profile:read` sees every record (for a stated purpose, checked by the resolver); an
  association sees its member enterprises so (`MEMBER_VIEW`), and the rest as the public does.
- Personal data (identity and phone numbers, a natural person's home address) is masked
  unless the caller holds `personal:read`. Legal representatives' names stay visible, as on
  the national enterprise credit publicity system.
"""

from __future__ import annotations

import dataclasses
import re

from auth.principal import Principal
from auth.roles import Scope
from gateway.records import PenaltyProcedure
from gateway.rules.publicity import PublicityState

NATURAL_PERSON_TYPES = ("个体", "自然人", "农户")
"""Entity types run by a natural person, whose registered address is often a home."""


@dataclasses.dataclass(frozen=True, slots=True)
class View:
    """How much of a profile one caller sees."""

    every_record: bool
    personal_data: bool

    @classmethod
    def of(cls, principal: Principal) -> View:
        return cls(
            every_record=principal.has(Scope.PROFILE_READ),
            personal_data=principal.has(Scope.PERSONAL_READ),
        )

    def shows_penalty(self, procedure: PenaltyProcedure, state: PublicityState) -> bool:
        """Simple-procedure penalties are never published; others only while public."""
        return self.every_record or (
            procedure is PenaltyProcedure.ORDINARY and state is PublicityState.PUBLIC
        )

    def shows_inspection(self, state: PublicityState) -> bool:
        return self.every_record or state is PublicityState.PUBLIC

    def shows_listing(self, active: bool) -> bool:
        """The public sees entries in force (centralised publicity), not removed ones."""
        return self.every_record or active

    def shows_commitment(self, public: bool) -> bool:
        return self.every_record or public

    def id_number(self, value: str | None) -> str | None:
        return value if self.personal_data else mask_id_number(value)

    def phone(self, value: str | None) -> str | None:
        return value if self.personal_data else mask_phone(value)

    def address(self, value: str | None, entity_type: str | None) -> str | None:
        if self.personal_data or not is_natural_person(entity_type):
            return value
        return mask_address(value)


PUBLIC_VIEW = View(every_record=False, personal_data=False)
MEMBER_VIEW = View(every_record=True, personal_data=False)
"""An association's view of its member enterprises: a partner's (profile:read)."""


def is_natural_person(entity_type: str | None) -> bool:
    return entity_type is not None and any(t in entity_type for t in NATURAL_PERSON_TYPES)


def mask_id_number(value: str | None) -> str | None:
    """440511********123X: the issuing area and the last four stay, the birth date goes."""
    if not value:
        return value
    keep_head, keep_tail = (6, 4) if len(value) >= 14 else (1, 1)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_phone(value: str | None) -> str | None:
    """138****5678 (mobile) or 0754-****5678: the last four digits stay."""
    if not value:
        return value
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    if len(digits) <= 4:
        return "*" * len(value)
    head = 3 if value[0] == "1" else (value.find("-") + 1 if "-" in value else 4)
    hidden = {i for i in digits[:-4] if i >= head}
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


_DISTRICT = re.compile(r"^.*?(?:区|县|旗)")


def mask_address(value: str | None) -> str | None:
    """A home address down to its district: 广东省汕头市澄海区****."""
    if not value:
        return value
    match = _DISTRICT.match(value)
    head = match.group(0) if match else value[: min(6, len(value) // 2)]
    return head + "****"
