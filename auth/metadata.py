"""What the gateway publishes about its tokens: the JWKS (RFC 7517) and the authorization
server metadata (RFC 8414)."""

from __future__ import annotations

from typing import Any

from auth.keys import SigningKeys
from auth.roles import Scope
from auth.server import AUTH_METHODS, TokenPolicy


def server_metadata(policy: TokenPolicy) -> dict[str, Any]:
    """RFC 8414 metadata of the token endpoint (client credentials only)."""
    return {
        "issuer": policy.issuer,
        "token_endpoint": f"{policy.issuer}/oauth/token",
        "jwks_uri": f"{policy.issuer}/.well-known/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "scopes_supported": sorted(s.value for s in Scope),
        # Required by RFC 8414 even without an authorization endpoint: no response type is
        # served, which "none" says.
        "response_types_supported": ["none"],
        "service_documentation": f"{policy.issuer}/graphql",
    }


def jwks(keys: SigningKeys) -> dict[str, Any]:
    """The public keys that verify the gateway's tokens and signed verifications."""
    return keys.jwks()
