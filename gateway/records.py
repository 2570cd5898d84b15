"""Canonical archive records: what every source's rows are mapped to.

Each record kind has a frozen dataclass with the fields of the public contract. Records are
stored as JSON payloads (see `to_payload` / `from_payload`), so a field added here needs no
migration; dates travel as ISO strings and money as decimal strings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

import orjson


class RecordKind(enum.StrEnum):
    """The kinds of record the archive keeps (contract `RecordKind`)."""

    REGISTRATION = "REGISTRATION"
    LICENSE = "LICENSE"
    PENALTY = "PENALTY"
    INSPECTION = "INSPECTION"
    LISTING = "LISTING"
    COMMITMENT = "COMMITMENT"


class EnterpriseStatus(enum.StrEnum):
    OPERATING = "OPERATING"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"
    DEREGISTERED = "DEREGISTERED"
    MOVED_OUT = "MOVED_OUT"


class KeyArea(enum.StrEnum):
    FOOD_PRODUCTION = "FOOD_PRODUCTION"
    FOOD_ADDITIVE_PRODUCTION = "FOOD_ADDITIVE_PRODUCTION"
    SPECIAL_FOOD = "SPECIAL_FOOD"
    SPECIAL_EQUIPMENT_PRODUCTION = "SPECIAL_EQUIPMENT_PRODUCTION"


class LicenseStatus(enum.StrEnum):
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"
    WITHDRAWN = "WITHDRAWN"
    CANCELLED = "CANCELLED"


class PenaltyMeasure(enum.StrEnum):
    WARNING = "WARNING"
    CIRCULATED_CRITICISM = "CIRCULATED_CRITICISM"
    FINE = "FINE"
    CONFISCATION = "CONFISCATION"
    RESTRICTION = "RESTRICTION"
    SUSPENSION = "SUSPENSION"
    LICENSE_REVOCATION = "LICENSE_REVOCATION"
    BUSINESS_LICENSE_REVOCATION = "BUSINESS_LICENSE_REVOCATION"
    DOWNGRADE = "DOWNGRADE"
    CLOSURE = "CLOSURE"
    OCCUPATIONAL_BAN = "OCCUPATIONAL_BAN"


class PenaltyProcedure(enum.StrEnum):
    SIMPLE = "SIMPLE"
    ORDINARY = "ORDINARY"


class InspectionKind(enum.StrEnum):
    RANDOM = "RANDOM"
    TARGETED = "TARGETED"
    ROUTINE = "ROUTINE"
    SAMPLING = "SAMPLING"


class InspectionResult(enum.StrEnum):
    NO_PROBLEM = "NO_PROBLEM"
    CORRECTED_ON_ORDER = "CORRECTED_ON_ORDER"
    PROBLEM_PENDING = "PROBLEM_PENDING"
    RULE_VIOLATION = "RULE_VIOLATION"
    UNREACHABLE = "UNREACHABLE"
    INFO_NOT_DISCLOSED = "INFO_NOT_DISCLOSED"
    INFO_FALSE = "INFO_FALSE"
    REFUSED_INSPECTION = "REFUSED_INSPECTION"
    NO_RELEVANT_ACTIVITY = "NO_RELEVANT_ACTIVITY"
    CLOSED = "CLOSED"
    DEREGISTERED = "DEREGISTERED"
    REVOKED = "REVOKED"
    MOVED_OUT = "MOVED_OUT"
    SAMPLE_QUALIFIED = "SAMPLE_QUALIFIED"
    SAMPLE_UNQUALIFIED = "SAMPLE_UNQUALIFIED"


class ListKind(enum.StrEnum):
    ABNORMAL_OPERATIONS = "ABNORMAL_OPERATIONS"
    SERIOUS_DISHONESTY = "SERIOUS_DISHONESTY"


class CommitmentStatus(enum.StrEnum):
    IN_FORCE = "IN_FORCE"
    FULFILLED = "FULFILLED"
    BREACHED = "BREACHED"


@dataclasses.dataclass(frozen=True, slots=True)
class Registration:
    """An enterprise as the registration system knows it."""

    KIND: ClassVar[RecordKind] = RecordKind.REGISTRATION
    uscc: str
    name: str
    status: EnterpriseStatus
    division: str
    former_names: tuple[str, ...] = ()
    entity_type: str | None = None
    legal_representative: str | None = None
    legal_representative_id_number: str | None = None
    """Identity document number (居民身份证号码) of the legal representative or operator:
    personal data."""
    registered_capital: Decimal | None = None
    established_on: dt.date | None = None
    address: str | None = None
    """住所; an individual business's is often its operator's home address."""
    industry: str | None = None
    registration_authority: str | None = None
    contact_phone: str | None = None
    """联系电话: personal data."""


@dataclasses.dataclass(frozen=True, slots=True)
class License:
    """An administrative licence held by an enterprise."""

    KIND: ClassVar[RecordKind] = RecordKind.LICENSE
    uscc: str
    number: str
    title: str
    issued_by: str
    status: LicenseStatus
    key_area: KeyArea | None = None
    scope: str | None = None
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Penalty:
    """An administrative penalty decision."""

    KIND: ClassVar[RecordKind] = RecordKind.PENALTY
    uscc: str
    decision_number: str
    decided_on: dt.date
    authority: str
    violation: str
    measures: tuple[PenaltyMeasure, ...]
    procedure: PenaltyProcedure
    legal_basis: str | None = None
    fine_amount: Decimal | None = None
    confiscated_amount: Decimal | None = None
    key_area: KeyArea | None = None
    performed_on: dt.date | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Inspection:
    """An inspection or product-sampling result."""

    KIND: ClassVar[RecordKind] = RecordKind.INSPECTION
    uscc: str
    reference: str
    kind: InspectionKind
    inspected_on: dt.date
    authority: str
    result: InspectionResult
    result_text: str | None = None
    product: str | None = None
    key_area: KeyArea | None = None
    penalty_number: str | None = None
    """Decision number of the penalty the problem found led to (同一违法行为), if any: the
    result is then public and repaired together with that penalty."""


@dataclasses.dataclass(frozen=True, slots=True)
class Listing:
    """An entry on the abnormal-operations or the serious-dishonesty list."""

    KIND: ClassVar[RecordKind] = RecordKind.LISTING
    uscc: str
    kind: ListKind
    enterprise_name: str
    reason: str
    listed_on: dt.date
    listed_by: str
    decision_number: str | None = None
    expires_on: dt.date | None = None
    removed_on: dt.date | None = None
    removal_reason: str | None = None
    penalty_number: str | None = None
    """Serious list: the decision number of the penalty it was decided with, when the listing
    decision has a number of its own (a department's entry usually carries the penalty's)."""

    @property
    def basis_number(self) -> str | None:
        """The decision number of the penalty behind the entry."""
        return self.penalty_number or self.decision_number


SELF_DISCIPLINE_KIND = "自律承诺"
"""The kind of a commitment made to an industry association, not to an authority."""


@dataclasses.dataclass(frozen=True, slots=True)
class Commitment:
    """A credit commitment (信用承诺) and the state of its check."""

    KIND: ClassVar[RecordKind] = RecordKind.COMMITMENT
    uscc: str
    kind: str
    content: str
    committed_on: dt.date
    status: CommitmentStatus
    checked_on: dt.date | None = None
    public: bool | None = None
    """False keeps the commitment out of the public view; None (every source's records) or
    True: public. None rather than True so that source payloads stay as they were."""

    @property
    def is_public(self) -> bool:
        return self.public is not False


Record = Registration | License | Penalty | Inspection | Listing | Commitment
R = TypeVar("R", Registration, License, Penalty, Inspection, Listing, Commitment)

RECORD_TYPES: dict[RecordKind, type[Record]] = {
    RecordKind.REGISTRATION: Registration,
    RecordKind.LICENSE: License,
    RecordKind.PENALTY: Penalty,
    RecordKind.INSPECTION: Inspection,
    RecordKind.LISTING: Listing,
    RecordKind.COMMITMENT: Commitment,
}


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def to_payload(record: Record) -> dict[str, Any]:
    """The JSON-ready dict stored in the archive (omits empty optional fields)."""
    out: dict[str, Any] = {}
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if value is None or value == ():
            continue
        out[name] = value if type(value) is str else _encode(value)
    return out


def canonical_json(record: Record) -> bytes:
    """The stored payload as canonical JSON: sorted keys, no white space, UTF-8.

    Its hash is what tells a changed record from an unchanged one, so these bytes must
    never change for the same record."""
    return orjson.dumps(to_payload(record), option=orjson.OPT_SORT_KEYS)


def canonical_json_of_fields(fields: Mapping[str, Any]) -> bytes:
    """`canonical_json` of the record these field values make, without building it.

    orjson writes enums as their values, dates in ISO form and tuples as lists, as
    `to_payload` does; decimals go through `str`."""
    payload = {name: value for name, value in fields.items() if value is not None and value != ()}
    return orjson.dumps(payload, default=_decimal_text, option=orjson.OPT_SORT_KEYS)


def _decimal_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a record value")


def _decoder(type_text: str) -> Callable[[Any], Any]:
    """A function decoding one JSON value by the annotation text of its dataclass field."""
    base = type_text.replace(" | None", "")
    if base.startswith("tuple["):
        inner = _decoder(base[len("tuple[") : -len(", ...]")])
        return lambda value: tuple(inner(v) for v in value)
    if base == "dt.date":
        return dt.date.fromisoformat
    if base == "Decimal":
        return Decimal
    cls = _ENUMS.get(base)
    return _identity if cls is None else enum_of_value(cls)


E = TypeVar("E", bound=enum.Enum)


def enum_of_value(cls: type[E]) -> Callable[[Any], E]:
    """`cls(value)` for a stored value, as a dict lookup (an enum call costs several times
    more, and a profile read makes thousands); an unknown value raises ValueError as it."""
    members: dict[Any, E] = {member.value: member for member in cls}

    def decode(value: Any) -> E:
        try:
            return members[value]
        except (KeyError, TypeError):
            return cls(value)  # raises the enum's own error (or finds an alias)

    return decode


def _identity(value: Any) -> Any:
    return value


_ENUMS: dict[str, type[enum.Enum]] = {
    cls.__name__: cls
    for cls in (
        RecordKind,
        EnterpriseStatus,
        KeyArea,
        LicenseStatus,
        PenaltyMeasure,
        PenaltyProcedure,
        InspectionKind,
        InspectionResult,
        ListKind,
        CommitmentStatus,
    )
}


_DECODERS: dict[RecordKind, tuple[type[Record], dict[str, Callable[[Any], Any]]]] = {}


def from_payload(kind: RecordKind, payload: dict[str, Any]) -> Record:
    """Rebuild a record from its stored payload."""
    entry = _DECODERS.get(kind)
    if entry is None:
        cls = RECORD_TYPES[kind]
        decoders = {f.name: _decoder(str(f.type)) for f in dataclasses.fields(cls)}
        # Only the fields whose JSON needs decoding (a profile read decodes thousands).
        entry = _DECODERS[kind] = (
            cls, {name: d for name, d in decoders.items() if d is not _identity}
        )
    cls, decoders = entry
    values = dict(payload)
    for name, decode in decoders.items():
        if name in values:
            values[name] = decode(values[name])
    return cls(**values)
