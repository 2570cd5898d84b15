"""The long-lived components one gateway process shares between requests."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import asyncpg

from gateway.freshness import Refresher
from gateway.keyareas import DEFAULT_RULES, KeyAreaRules
from gateway.rules.config import DEFAULT_RULES_CONFIG, RulesConfig
from gateway.settings import Settings

if TYPE_CHECKING:
    from adapters.config import SourcesConfig
    from auth.access import Access
    from gateway.audit.writer import AuditWriter
    from gateway.events.hub import FeedHub
    from gateway.verification.service import Verifier


@dataclasses.dataclass(slots=True)
class Services:
    """Created once in the app's lifespan and handed to every request's context."""

    settings: Settings
    pool: asyncpg.Pool[Any]
    sources: SourcesConfig | None
    refresher: Refresher | None
    key_area_rules: KeyAreaRules = DEFAULT_RULES
    rules: RulesConfig = DEFAULT_RULES_CONFIG
    """Rule sets and the working-day calendar (RULES_CONFIG corrections applied)."""
    access: Access | None = None
    """Keys, token endpoint and authenticator; None in tests that serve only the schema."""
    audit: AuditWriter | None = None
    """None when auditing is off (GATEWAY_AUDIT=false, never in production)."""
    verifier: Verifier | None = None
    feed_hub: FeedHub | None = None
    """The process's one reader of the change feed for subscriptions (None: each polls)."""
