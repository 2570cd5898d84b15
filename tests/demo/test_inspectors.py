"""The demo's inspector directory: the same for the same seed, and valid for the gateway."""

from __future__ import annotations

from adapters.demo.inspectors import PER_BUREAU, demo_inspectors
from adapters.demo.places import DISTRICTS
from gateway.inspections.validation import inspector_details, inspector_id


def test_the_directory_is_deterministic_and_valid() -> None:
    directory = demo_inspectors(2026)
    assert directory == demo_inspectors(2026)
    assert len(directory) == PER_BUREAU * (1 + len(DISTRICTS))
    assert len({i.id for i in directory}) == len(directory)
    for i in directory:
        assert inspector_id(i.id) == i.id
        details = inspector_details(i.name, i.department, i.division, i.qualifications)
        assert details.division == i.division and len(i.qualifications) == 2
    assert [i.name for i in demo_inspectors(7)] != [i.name for i in directory]
