"""The browser front end as the server hands it out: `GET /` serves the built app and
`GET /graphql` (HTML, staff) the offline GraphiQL, both under a Content-Security-Policy, every
asset they name from this server. The screens themselves are tested in a browser (web/tests)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from directives.vocabulary import Role
from server import WEB_DIST, Settings
from tests.test_server import (  # noqa: F401 (fixtures)
    Server,
    database_url,
    server,
    serving,
    settings,
)

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def assert_locked_down(headers: httpx.Headers) -> None:
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


async def assert_assets_served(running: Server, html: str) -> None:
    assets = ASSET.findall(html)
    assert assets, "the page names its scripts and styles"
    for asset in assets:
        assert asset.startswith("/assets/"), f"{asset} is not one of our files"
        response = await running.client.get(asset)
        assert response.status_code == 200, asset


async def test_root_serves_the_app_under_csp(server: Server) -> None:  # noqa: F811 (the fixture)
    response = await server.client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_locked_down(response.headers)
    assert '<div id="root">' in response.text
    await assert_assets_served(server, response.text)


async def test_graphiql_is_local_and_under_csp(server: Server) -> None:  # noqa: F811 (the fixture)
    headers = {**server.auth(Role.SUPPORT), "Accept": "text/html"}
    response = await server.client.get("/graphql", headers=headers)
    assert response.status_code == 200
    assert_locked_down(response.headers)
    assert "unpkg" not in response.text and "cdn" not in response.text.lower()
    await assert_assets_served(server, response.text)


@pytest.mark.parametrize("path", ["/assets/../server.py", "/assets/missing.js"])
async def test_nothing_but_the_built_assets(server: Server, path: str) -> None:  # noqa: F811 (the fixture)
    response = await server.client.get(path)
    assert response.status_code == 404


def test_the_built_front_end_is_in_the_repository() -> None:
    assert (WEB_DIST / "index.html").is_file()
    assert (WEB_DIST / "graphiql.html").is_file()


async def test_a_configured_front_end_directory_is_served(
    settings: Settings,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    built = tmp_path / "elsewhere"
    (built / "assets").mkdir(parents=True)
    (built / "index.html").write_text('<div id="root">elsewhere</div>', encoding="utf-8")
    (built / "assets" / "app.js").write_text("// built elsewhere", encoding="utf-8")
    async with serving(replace(settings, web_dist=built)) as running:
        page = await running.client.get("/")
        assert page.status_code == 200 and "elsewhere" in page.text
        assert (await running.client.get("/assets/app.js")).text == "// built elsewhere"


async def test_without_a_built_front_end_the_page_says_what_to_build(
    settings: Settings,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    async with serving(replace(settings, web_dist=tmp_path / "nothing")) as running:
        page = await running.client.get("/")
        assert page.status_code == 503 and "npm run build" in page.text
