"""The gateway's own static files (``/static/...``) and the GraphiQL page that uses them.

Everything a browser needs for GraphiQL ships in ``gateway/static/graphiql/`` (see the README
there): nothing is fetched from the internet at run time. The files are read once at import;
the page names each with ``?v=<hash of its content>``, so a browser may keep them for a year
(``immutable``) and an updated file is a new address. A request without the current hash is
answered too, with ``no-cache`` and an ETag.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

from werkzeug.wrappers import Response

STATIC_ROOT = Path(__file__).parent / "static"
PAGE_PATH = Path(__file__).parent / "graphiql.html"
STATIC_PREFIX = "/static/"

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# The page runs only the gateway's own scripts and talks only to the gateway.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
GZIP_AT_LEAST = 1024

Answer = tuple[int, dict[str, str], Any]


@dataclass
class Asset:
    content: bytes
    content_type: str
    version: str
    _gzipped: bytes | None = field(default=None, repr=False)

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    def gzipped(self, lock: Lock) -> bytes:
        with lock:
            if self._gzipped is None:
                self._gzipped = gzip.compress(self.content, compresslevel=6, mtime=0)
            return self._gzipped


def load_assets(root: Path = STATIC_ROOT) -> dict[str, Asset]:
    """Every servable file under ``root`` by its path relative to it (``graphiql/x.js``): only
    the kinds in :data:`CONTENT_TYPES`, so licences and READMEs stay in the repository."""
    assets = {}
    for path in sorted(root.rglob("*")):
        content_type = CONTENT_TYPES.get(path.suffix)
        if content_type and path.is_file():
            content = path.read_bytes()
            version = hashlib.sha256(content).hexdigest()[:16]
            assets[path.relative_to(root).as_posix()] = Asset(content, content_type, version)
    return assets


ASSETS = load_assets()
_GZIP_LOCK = Lock()
_REFERENCE = re.compile(r'((?:src|href)=")/static/([^"?]+)(")')


def versioned(html: str, assets: dict[str, Asset] = ASSETS) -> str:
    """The page with each ``/static/...`` reference carrying its file's content hash."""

    def add_version(match: re.Match[str]) -> str:
        asset = assets.get(match.group(2))
        if asset is None:
            raise LookupError(f"the page names a missing static file: {match.group(2)}")
        return f"{match.group(1)}/static/{match.group(2)}?v={asset.version}{match.group(3)}"

    return _REFERENCE.sub(add_version, html)


GRAPHIQL_PAGE = versioned(PAGE_PATH.read_text(encoding="utf-8"))
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": REVALIDATE,
    "Content-Security-Policy": PAGE_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def graphiql_page() -> Answer:
    return 200, dict(PAGE_HEADERS), GRAPHIQL_PAGE


def serve_static(request: Any, name: str, assets: dict[str, Asset] = ASSETS) -> Response:
    """``/static/<name>``: the file with its content type; 404 for anything not shipped."""
    asset = assets.get(name)
    if asset is None:
        return Response("Not found", 404, {"Content-Type": "text/plain; charset=utf-8"})
    current = request.args.get("v") == asset.version
    headers = {
        "Content-Type": asset.content_type,
        "Cache-Control": IMMUTABLE if current else REVALIDATE,
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if asset.etag in _etags(request.headers.get("If-None-Match", "")):
        return Response(b"", 304, headers)
    body = asset.content
    if len(body) >= GZIP_AT_LEAST and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = asset.gzipped(_GZIP_LOCK)
        headers["Content-Encoding"] = "gzip"
    return Response(body, 200, headers)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
