"""The edge's long-lived parts, started once per process: signing keys, the token
endpoint, the authenticator and the cache of client states."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx

from auth.authenticate import Authenticator
from auth.client_status import ClientStatus
from auth.issuers import load_issuers
from auth.keys import KeyStoreError, SigningKeys
from auth.server import TokenPolicy, TokenServer
from auth.tokens import TokenVerifier
from gateway.settings import Settings

log = logging.getLogger(__name__)

ISSUER_KEYS_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
KEYS_RELOAD_SECONDS = 60.0
"""How soon a running process signs with a key `credit-gateway keys rotate` added."""


@dataclasses.dataclass(frozen=True, slots=True)
class Access:
    """What the edge needs to issue and check tokens."""

    policy: TokenPolicy
    token_server: TokenServer
    authenticator: Authenticator
    client_status: ClientStatus


def token_policy(settings: Settings) -> TokenPolicy:
    return TokenPolicy(settings.issuer, settings.audience, settings.token_ttl)


@contextlib.asynccontextmanager
async def start_access(
    settings: Settings, pool: asyncpg.Pool[Any], url: str
) -> AsyncIterator[Access]:
    """Load (or create) the signing keys and external issuers; start listening for client
    changes; stop it all on exit."""
    keys = await asyncio.to_thread(SigningKeys.load_or_create, settings.keys_dir)
    issuers = [] if settings.external_issuers is None else load_issuers(settings.external_issuers)
    policy = token_policy(settings)
    status = ClientStatus(pool, url)
    async with httpx.AsyncClient(timeout=ISSUER_KEYS_TIMEOUT) as http:
        verifier = TokenVerifier(policy.issuer, policy.audience, keys, issuers, http=http)
        server = TokenServer(keys, policy)
        await status.start()
        reload = asyncio.create_task(_reload_keys(settings, verifier, server))
        try:
            yield Access(
                policy=policy,
                token_server=server,
                authenticator=Authenticator(verifier, status, enabled=settings.auth_enabled),
                client_status=status,
            )
        finally:
            reload.cancel()
            await asyncio.wait({reload})
            await status.aclose()


async def _reload_keys(settings: Settings, verifier: TokenVerifier, server: TokenServer) -> None:
    """Pick up keys rotated or retired by the CLI (or another instance sharing the folder)."""
    while True:
        await asyncio.sleep(KEYS_RELOAD_SECONDS)
        try:
            keys = await asyncio.to_thread(SigningKeys.load_or_create, settings.keys_dir)
        except KeyStoreError as exc:
            log.error("signing keys not reloaded, the old ones stay in use: %s", exc)
            continue
        if keys.kids != verifier.keys.kids:
            log.info("signing keys reloaded: %s", ", ".join(keys.kids))
            verifier.keys = server.keys = keys
