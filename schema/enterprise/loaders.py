"""Per-request DataLoaders: the profiles and freshness of all enterprises a request touches
load in one round trip each, however many nodes ask."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from gateway.archive.profile import Profile, load_profiles
from gateway.archive.status import archive_freshness
from gateway.freshness import SourceFreshness
from gateway.risk.store import risk_assessment_loader
from gateway.services import Services


class EnterpriseLoaders:
    """Created for each request, so nothing is cached across requests."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self.profiles: DataLoader[str, Profile | None] = DataLoader(self._load_profiles)
        self.freshness: DataLoader[str, Sequence[SourceFreshness]] = DataLoader(
            self._load_freshness
        )
        self.risk_assessments = risk_assessment_loader(services.pool)

    async def _load_profiles(self, usccs: list[str]) -> list[Profile | None]:
        found = await load_profiles(self._services.pool, usccs)
        return [found.get(uscc) for uscc in usccs]

    async def _load_freshness(self, usccs: list[str]) -> list[Sequence[SourceFreshness]]:
        found = await archive_freshness(self._services.pool, usccs, self._services.sources)
        return [found[uscc] for uscc in usccs]
