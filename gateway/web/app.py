"""The officers' web app (ứng dụng cho cán bộ): one HTML shell at ``/`` and ``/app/...``.

The page loads only the gateway's own files (``gateway/static/app/``: ES modules and a style
sheet, no framework, no build step) under the same strict policy as GraphiQL; every deep link
answers the same shell and the module routes on the address.
"""

from __future__ import annotations

from pathlib import Path

from werkzeug.wrappers import Response

from gateway.assets import PAGE_HEADERS, versioned

SHELL_PATH = Path(__file__).parent.parent / "static" / "app" / "index.html"
APP_SHELL = versioned(SHELL_PATH.read_text(encoding="utf-8"))


def app_page() -> Response:
    """The shell with its files' hashed addresses; never cached without revalidation."""
    return Response(APP_SHELL, 200, dict(PAGE_HEADERS))
