"""GraphQL over HTTP against the gateway served by uvicorn on a loopback port."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.app import build_app
from gateway.services import Services
from schema.http import GRAPHQL_RESPONSE_JSON, response_media_type
from tests.archive.rows import code, put_record, registration

NEW = GRAPHQL_RESPONSE_JSON
LEGACY = "application/json"
NAME_QUERY = "query($u: USCC!) { enterprise(uscc: $u) { name } }"


@pytest.fixture
async def http(served_url: str, clean_archive: asyncpg.Pool[Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=served_url) as client:
        yield client


def _media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


async def test_get_runs_a_query(http: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]) -> None:
    uscc = code(1)
    await put_record(clean_archive, registration(uscc, "汕头市龙湖区测试有限公司"))
    response = await http.get("/graphql", params={"query": NAME_QUERY,
                                                  "variables": f'{{"u": "{uscc}"}}'})
    assert response.status_code == 200
    assert _media(response) == LEGACY
    assert response.json() == {"data": {"enterprise": {"name": "汕头市龙湖区测试有限公司"}}}
    assert "汕头" in response.content.decode()  # UTF-8, not \\u escapes


async def test_get_mutation_is_405(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "mutation { x }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["message"]


async def test_other_methods_are_405(http: httpx.AsyncClient) -> None:
    response = await http.put("/graphql", json={"query": "{ sources { name } }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


async def test_body_that_is_not_json_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", content=b"{not json",
                               headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_unsupported_content_type_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", content=b"{ sources { name } }",
                               headers={"content-type": "text/plain"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ sources { name ", {}, "BAD_USER_INPUT"),  # does not parse
        ("{ sources { nosuchfield } }", {}, "BAD_USER_INPUT"),  # does not validate
        (NAME_QUERY, {"u": "914403001922038217"}, "INVALID_USCC"),  # bad variable
        ('{ enterprise(uscc: "91440300708461136") { name } }', {}, "INVALID_USCC"),
    ],
)
async def test_request_errors_are_400_with_graphql_response_json(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], code: str,
) -> None:
    response = await http.post("/graphql", json={"query": query, "variables": variables},
                               headers={"accept": f"{NEW}, {LEGACY};q=0.9"})
    assert response.status_code == 400
    assert _media(response) == NEW
    body = response.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


async def test_request_errors_are_200_with_application_json(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ sources { nosuchfield } }"},
                               headers={"accept": LEGACY})
    assert response.status_code == 200
    assert _media(response) == LEGACY
    assert "data" not in response.json()


async def test_field_errors_are_200_with_data(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ enterprises(first: 0) { totalCount } sources { name } }"},
        headers={"accept": NEW},
    )
    assert response.status_code == 200
    assert _media(response) == NEW
    body = response.json()
    assert body["data"] is None  # enterprises is non-null, so the error reaches the root
    (error,) = body["errors"]
    assert error["path"] == ["enterprises"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "first" in error["message"]


async def test_browsers_get_graphiql(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert _media(response) == "text/html"
    assert "graphiql" in response.text.lower()


async def test_health_and_readiness(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ok"})


async def test_not_ready_without_database(services: Services, database_url: str) -> None:
    closed = await asyncpg.create_pool(database_url, min_size=0, max_size=1)
    assert closed is not None
    await closed.close()
    app = build_app(dataclasses.replace(services, pool=closed))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        assert (await client.get("/healthz")).status_code == 200
        response = await client.get("/readyz")
    assert response.status_code == 503


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, LEGACY),
        ("", LEGACY),
        ("*/*", LEGACY),
        (LEGACY, LEGACY),
        (NEW, NEW),
        (f"{LEGACY}, {NEW}", NEW),
        (f"{NEW};q=0.5, {LEGACY}", LEGACY),
        (f"{NEW};q=0, */*", LEGACY),
        (f"{NEW};q=abc", LEGACY),
        ("text/html", LEGACY),
        ("APPLICATION/GRAPHQL-RESPONSE+JSON; charset=utf-8", NEW),
    ],
)
def test_response_media_type(accept: str | None, media_type: str) -> None:
    assert response_media_type(accept) == media_type
