"""The long-lived components one gateway process shares between requests."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import asyncpg

from gateway.freshness import Refresher
from gateway.keyareas import DEFAULT_RULES, KeyAreaRules
from gateway.settings import Settings

if TYPE_CHECKING:
    from adapters.config import SourcesConfig


@dataclasses.dataclass(slots=True)
class Services:
    """Created once in the app's lifespan and handed to every request's context."""

    settings: Settings
    pool: asyncpg.Pool[Any]
    sources: SourcesConfig | None
    refresher: Refresher | None
    key_area_rules: KeyAreaRules = DEFAULT_RULES
