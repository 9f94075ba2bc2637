"""The API's documentation page in real Chromium, under the site's Content-Security-Policy: its script
must be allowed to read the OpenAPI document, and nothing may come from another host."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser


def test_the_api_docs_render_the_operations(chromium: Any, production_server: Server) -> None:
    context = chromium.new_context()
    try:
        page = context.new_page()
        refused: list[str] = []
        foreign: list[str] = []
        page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
        page.on(
            "request",
            lambda request: (
                foreign.append(request.url) if not request.url.startswith(production_server.url) else None
            ),
        )
        page.goto(f"{production_server.url}/api/v1/docs/")
        # Swagger UI lists each operation once it has read the document.
        page.wait_for_selector("text=/api/v1/leads/", timeout=15_000)
        assert page.locator(".opblock").count() >= 2
        assert refused == []
        assert foreign == []
    finally:
        context.close()
