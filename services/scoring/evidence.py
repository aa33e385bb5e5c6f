"""Evidence (minh chứng) attached to a self-assessment: files with size and type limits.

The type is decided from the file's first bytes, not from what the client claims, so a script
renamed ``.pdf`` is refused. Files are stored once per content (by digest) in 1 MiB chunks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 20  # per assessment

# content type -> the bytes such files start with
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    # .docx / .xlsx are zip packages
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}


class EvidenceRejected(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Evidence:
    id: str
    file_name: str
    content_type: str
    size: int


def check(file_name: str, content_type: str, content: bytes, already: int) -> Evidence:
    """The evidence's identity, or :class:`EvidenceRejected` with the reason's key."""
    if already >= MAX_FILES:
        raise EvidenceRejected("too_many_files")
    if not content:
        raise EvidenceRejected("empty_file")
    if len(content) > MAX_BYTES:
        raise EvidenceRejected("file_too_large")
    signatures = SIGNATURES.get(content_type)
    if signatures is None:
        raise EvidenceRejected("file_type")
    if not content.startswith(signatures):
        raise EvidenceRejected("file_content")
    digest = hashlib.sha256(content).hexdigest()[:32]
    return Evidence(f"ev-{digest}", file_name, content_type, len(content))
