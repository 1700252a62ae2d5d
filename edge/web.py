"""The browser front end, built from web/ (README "Using it in a browser"): where its files
are, and its pages under a Content-Security-Policy.

An installed package (`pip install .`) carries the built files as `edge/web_dist` (setup.py
copies web/dist there when building); a source checkout (or `pip install -e .`) serves
web/dist itself. CRM_WEB_DIST (Settings.web_dist) names another directory.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse, PlainTextResponse, Response

PACKAGED = Path(__file__).resolve().parent / "web_dist"
CHECKOUT = Path(__file__).resolve().parent.parent / "web" / "dist"
CSP = (
    "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
IDE_CSP = CSP + "; font-src 'self' data:"  # GraphiQL's stylesheet carries its fonts inline


def web_dist(configured: Path | None = None) -> Path:
    """The configured directory, else the first of the packaged copy and the checkout's
    web/dist that holds an index.html (the checkout's when none does: `GET /` then answers
    503 naming what to build)."""
    candidates = [configured] if configured else [PACKAGED, CHECKOUT]
    return next((c for c in candidates if (c / "index.html").is_file()), candidates[-1])


WEB_DIST = web_dist()  # where an unconfigured server finds the front end


def web_page(directory: Path, name: str, csp: str = CSP) -> Response:
    """A page of the built front end, under a Content-Security-Policy (the edge middleware
    adds the other security headers and keeps this policy)."""
    path = directory / name
    if not path.is_file():
        return PlainTextResponse("Front end not built: cd web && npm ci && npm run build", 503)
    return HTMLResponse(path.read_text(encoding="utf-8"), headers={"Content-Security-Policy": csp})
