"""Quotas per client and per address, counted in a real Redis (database 15, keys under a prefix
of the test's own, deleted afterwards) or in memory."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio

from auth.principal import PUBLIC, Principal
from auth.roles import ROLE_SCOPES, Role
from gateway.ratelimit import RateLimiter, retry_after
from gateway.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/15"
DAY = 86400.0


def client(client_id: str | None, subject: str | None = None) -> Principal:
    return Principal(role=Role.PARTNER, scopes=ROLE_SCOPES[Role.PARTNER], client_id=client_id,
                     subject=subject)


def settings_with(**env: str) -> Settings:
    quotas = {"GATEWAY_RATE_LIMIT_CLIENT": "3/day", "GATEWAY_RATE_LIMIT_ADDRESS": "2/day"}
    return Settings.from_env({**quotas, **env})


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    name = f"cgtest-quota-{secrets.token_hex(4)}"
    yield name
    server = redis.asyncio.Redis.from_url(REDIS_URL)
    keys = [key async for key in server.scan_iter(match=f"{name}:*")]
    if keys:
        await server.delete(*keys)
    await server.aclose()


LimiterFactory = Callable[..., RateLimiter]


@pytest.fixture
async def limiter_for(prefix: str) -> AsyncIterator[LimiterFactory]:
    """Makes limiters (Redis by default) and closes them at the end."""
    made: list[RateLimiter] = []

    def make(**env: str) -> RateLimiter:
        limiter = RateLimiter.from_settings(settings_with(**{"CACHE_URL": REDIS_URL, **env}),
                                            key_prefix=prefix)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.aclose()


async def hits(limiter: RateLimiter, principal: Principal, address: str, n: int) -> list[bool]:
    """Whether each of `n` requests was let through."""
    return [await limiter.hit(principal, address) is None for _ in range(n)]


async def test_a_client_over_its_quota_waits(limiter_for: LimiterFactory) -> None:
    limiter = limiter_for()
    assert await hits(limiter, client("a"), "10.0.0.1", 3) == [True, True, True]
    wait = await limiter.hit(client("a"), "10.0.0.1")
    # The first of the three requests leaves the window a day after it was made.
    assert wait is not None and DAY / 2 < wait <= DAY


async def test_the_counts_are_kept_in_redis(limiter_for: LimiterFactory, prefix: str) -> None:
    await limiter_for().hit(client("a"), "10.0.0.1")
    server = redis.asyncio.Redis.from_url(REDIS_URL)
    keys = [key async for key in server.scan_iter(match=f"{prefix}:*")]
    await server.aclose()
    assert keys and all(b"client/a" in key for key in keys)


async def test_two_instances_share_one_quota(limiter_for: LimiterFactory) -> None:
    one, two = limiter_for(), limiter_for()
    assert await hits(one, client("a"), "10.0.0.1", 2) == [True, True]
    assert await hits(two, client("a"), "10.0.0.2", 2) == [True, False]
    assert await hits(one, client("a"), "10.0.0.1", 1) == [False]


async def test_clients_have_separate_quotas(limiter_for: LimiterFactory) -> None:
    limiter = limiter_for()
    assert await hits(limiter, client("a"), "10.0.0.1", 4) == [True, True, True, False]
    assert await hits(limiter, client("b"), "10.0.0.1", 3) == [True, True, True]


async def test_public_callers_are_counted_per_address(limiter_for: LimiterFactory) -> None:
    limiter = limiter_for()
    assert await hits(limiter, PUBLIC, "10.0.0.1", 3) == [True, True, False]
    assert await hits(limiter, PUBLIC, "10.0.0.2", 2) == [True, True]
    # A client calling from a refused address still has its own quota.
    assert await hits(limiter, client("a"), "10.0.0.1", 1) == [True]


async def test_a_caller_known_by_subject_alone_is_counted_by_it(
    limiter_for: LimiterFactory,
) -> None:
    limiter = limiter_for()
    assert await hits(limiter, client(None, "someone"), "10.0.0.1", 4) == [True] * 3 + [False]
    assert await hits(limiter, client(None, None), "10.0.0.2", 3) == [True, True, False]


async def test_every_quota_of_a_list_applies(limiter_for: LimiterFactory) -> None:
    limiter = limiter_for(GATEWAY_RATE_LIMIT_CLIENT="5/day;2/hour")
    assert await hits(limiter, client("a"), "10.0.0.1", 3) == [True, True, False]
    wait = await limiter.hit(client("a"), "10.0.0.1")
    assert wait is not None and 1800 < wait <= 3600  # the hourly quota is the one used up


async def test_without_redis_the_counts_stay_in_the_process() -> None:
    one = RateLimiter.from_settings(settings_with())
    two = RateLimiter.from_settings(settings_with(CACHE_URL="memory://"))
    assert await hits(one, client("a"), "10.0.0.1", 4) == [True, True, True, False]
    assert await hits(two, client("a"), "10.0.0.1", 3) == [True, True, True]
    await one.aclose()
    await two.aclose()


@pytest.mark.parametrize(
    ("env", "warned"),
    [({}, False), ({"GATEWAY_WORKERS": "2"}, True),
     ({"GATEWAY_WORKERS": "2", "CACHE_URL": REDIS_URL}, False)],
)
async def test_quotas_counted_per_process_are_warned_of_where_that_splits_them(
    caplog: pytest.LogCaptureFixture, env: dict[str, str], warned: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.ratelimit"):
        limiter = RateLimiter.from_settings(settings_with(**env))
    await limiter.aclose()
    assert ("quotas are counted per process" in caplog.text) is warned


async def test_an_unreachable_redis_lets_requests_through_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Nothing listens on port 1: every connection is refused at once.
    limiter = RateLimiter.from_settings(settings_with(CACHE_URL="redis://127.0.0.1:1/0"))
    with caplog.at_level(logging.WARNING, logger="gateway.ratelimit"):
        assert await hits(limiter, client("a"), "10.0.0.1", 5) == [True] * 5
    warnings = [r for r in caplog.records if r.name == "gateway.ratelimit"]
    assert len(warnings) == 1 and "not enforced" in warnings[0].getMessage()
    await limiter.aclose()


@pytest.mark.parametrize(("seconds", "header"), [(0.0, 1), (0.2, 1), (1.0, 1), (1.2, 2), (59.5, 60)])
def test_retry_after_is_whole_seconds_and_at_least_one(seconds: float, header: int) -> None:
    assert retry_after(seconds) == header
