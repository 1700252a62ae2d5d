"""The change-log page is public and shows the configured privacy contact (P11, P3.5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from directives.policy_versions import PrivacyContact
from server import Settings
from tests import test_server
from tests.test_server import serving

# tests/test_server.py's fixtures: a fresh database and settings for the running app.
database_url = test_server.database_url
settings = test_server.settings


@pytest.fixture
def contact_settings(settings: Settings) -> Settings:
    contact = PrivacyContact(email="privacy@operator.example", phone="03-0000-1111")
    return replace(settings, privacy_contact=contact)


async def test_anyone_reads_the_change_log_page_with_the_configured_contact(
    contact_settings: Settings,
) -> None:
    async with serving(contact_settings) as server:
        page = await server.client.get("/policy")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "2009-09-01/1" in page.text
        assert "privacy@operator.example" in page.text and "03-0000-1111" in page.text
        api = await server.client.post(
            "/graphql", json={"query": "{ privacyContact { email phone } }"}
        )
        assert api.json()["data"]["privacyContact"] == {
            "email": "privacy@operator.example",
            "phone": "03-0000-1111",
        }
