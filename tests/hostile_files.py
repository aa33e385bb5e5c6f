"""Hostile spreadsheet files, built small: what an upload must refuse without inflating,
parsing or importing anything (tests/unit/test_upload_robustness.py and the uploads of
tests/e2e/test_bad_input.py)."""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
from collections.abc import Callable

from khuyenhoc.sheets import write_workbook
from services.registration.directory.hamlets_sheet import COLUMNS

ROWS = [
    {"communeCode": "06184", "name": "Thôn Pò Mỏ", "kind": "Thôn"},
    {"communeCode": "06184", "name": "Khu phố 2", "kind": "Khu phố"},
]
# A billion laughs: eight levels of ten.
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i + 1, b"&lol%d;" % i * 10) for i in range(8))
    + b"]>"
)


def good_xlsx(rows: list[dict[str, str]] = ROWS) -> bytes:
    return write_workbook("THÔN", COLUMNS, rows=rows)


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The .xlsx with its members passed through ``change(name, bytes) -> bytes | None``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            changed = change(info.filename, src.read(info))
            if changed is not None:
                dst.writestr(info.filename, changed, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def declared_sizes(data: bytes, member: str, size: int) -> bytes:
    """The zip with the uncompressed size its central directory states for ``member`` set to
    ``size`` (what a crafted bomb does), the data left as it is."""
    raw = bytearray(data)
    at = 0
    while (at := raw.find(b"PK\x01\x02", at)) >= 0:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_length].decode() == member:
            struct.pack_into("<I", raw, at + 24, size)
            return bytes(raw)
        at += 4
    raise AssertionError(f"{member} not in the zip")


def sheet_path(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))


def entity_bomb() -> bytes:
    """Laughs in the styles, a part read whole."""

    def bomb(name: str, data: bytes) -> bytes:
        if name != "xl/styles.xml":
            return data
        data = data.replace(b"?>", b"?>" + LAUGHS, 1)
        return data.replace(b"</styleSheet>", b"<extLst>&lol8;</extLst></styleSheet>", 1)

    return rezip(good_xlsx(), bomb)


def zip_of_something_else() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
        archive.writestr("photo.jpg", b"\xff\xd8\xff" + b"0" * 1000)
    return out.getvalue()


def windows_1258(text: str) -> bytes:
    """Text as Vietnamese Windows saves it (cp1258 writes tones as combining marks)."""
    return unicodedata.normalize("NFD", text).encode("cp1258", errors="replace")


def hostile_files() -> dict[str, tuple[bytes, str]]:
    """Name → (content, file name) of each kind of hostile upload."""
    good = good_xlsx()
    return {
        "truncated": (good[:2000], "ds.xlsx"),
        "declared zip bomb": (declared_sizes(good, sheet_path(good), 3_000_000_000), "ds.xlsx"),
        "swollen styles": (declared_sizes(good, "xl/styles.xml", 200_000_000), "ds.xlsx"),
        "entity bomb": (entity_bomb(), "ds.xlsx"),
        "zip of something else": (zip_of_something_else(), "ds.xlsx"),
        "renamed pdf": (b"%PDF-1.7\n" + b"x" * 500, "ds.xlsx"),
        "csv windows-1258": (windows_1258("Mã xã,Tên thôn\r\n06184,Thôn Nà\r\n"), "ds.csv"),
    }
