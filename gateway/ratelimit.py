"""Request quotas: per client for callers with a token, per address for public callers.

Counted with the `limits` library's moving window: exact (no burst of twice the quota at a
window's edge as with a fixed window, no rounding as with the sliding-window counter) and
with an exact Retry-After, at the price of one timestamp per request of the last window
(about 20 bytes each). The counts live in Redis when CACHE_URL is redis:// or rediss://, so
every instance of the gateway draws on one quota (the instances' clocks must agree, as NTP
keeps them); otherwise in this process's memory.

When Redis cannot be reached the request is let through, with a warning logged at most once a
minute: quotas protect capacity, and an outage of the cache must not take the API down with it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any
from urllib.parse import urlsplit

import redis.asyncio
import redis.exceptions
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from auth.principal import Principal
from gateway.settings import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "credit-gateway:quota"
"""Prefix of every Redis key of the quotas (the cache shares the server)."""
REDIS_TIMEOUT = 0.5
"""Seconds to wait for Redis before letting the request through."""
WARNING_INTERVAL = 60.0
"""Seconds between two warnings that Redis is unreachable."""

STORAGE_ERRORS: tuple[type[BaseException], ...] = (
    StorageError, redis.exceptions.RedisError, OSError, asyncio.TimeoutError,
)


class RateLimiter:
    """Counts requests against the quotas; `hit` says whether one may go ahead."""

    def __init__(
        self,
        storage: Storage,
        client_quota: list[RateLimitItem],
        address_quota: list[RateLimitItem],
        pool: redis.asyncio.ConnectionPool | None = None,
    ) -> None:
        self._storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self._client_quota = client_quota
        self._address_quota = address_quota
        self._pool = pool
        self._last_warning: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings, key_prefix: str = KEY_PREFIX) -> RateLimiter:
        """Quotas from the settings, counted in Redis when `cache_url` names one."""
        client, address = parse_many(settings.rate_limit_client), parse_many(
            settings.rate_limit_address
        )
        url = settings.cache_url
        if url is None or urlsplit(url).scheme not in ("redis", "rediss"):
            if settings.production or settings.workers > 1:
                log.warning("quotas are counted per process: CACHE_URL is not a Redis URL")
            return cls(MemoryStorage(), client, address)
        pool = redis.asyncio.ConnectionPool.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        options: dict[str, Any] = {"connection_pool": pool}
        storage = RedisStorage(
            f"async+{url}", implementation="redispy", key_prefix=key_prefix, **options
        )
        return cls(storage, client, address, pool)

    async def hit(self, principal: Principal, address: str) -> float | None:
        """Count one request; None when it may go ahead, else the seconds until it may."""
        identity = principal.client_id or principal.subject
        if principal.is_public or identity is None:
            quota, identifiers = self._address_quota, ("address", address)
        else:
            quota, identifiers = self._client_quota, ("client", identity)
        try:
            return await self._hit(quota, identifiers)
        except STORAGE_ERRORS as e:
            self._warn_unavailable(e)
            return None

    async def _hit(self, quota: list[RateLimitItem], identifiers: tuple[str, str]) -> float | None:
        for item in quota:
            if not await self._strategy.hit(item, *identifiers):
                stats = await self._strategy.get_window_stats(item, *identifiers)
                return max(stats.reset_time - time.time(), 0.0)
        return None

    def _warn_unavailable(self, error: BaseException) -> None:
        now = time.monotonic()
        if self._last_warning is None or now - self._last_warning >= WARNING_INTERVAL:
            self._last_warning = now
            log.warning("quotas not enforced, their store cannot be reached: %r", error)

    async def aclose(self) -> None:
        """Close the connections to Redis, if any."""
        if self._pool is not None:
            await self._pool.aclose()


def retry_after(seconds: float) -> int:
    """The Retry-After value for a wait: whole seconds, at least 1."""
    return max(1, math.ceil(seconds))
