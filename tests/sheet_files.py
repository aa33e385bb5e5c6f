"""Spreadsheets as officers' programs save them, for tests of anything that reads lists."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_cached(data: bytes, cached: dict[str, tuple[str, str]]) -> bytes:
    """Give formula cells the cached result Excel would have saved: {"C7": ("n", "1980")}.

    openpyxl writes formulas as <f>..</f><v /> with no result, like a program that never
    calculated the sheet; the reader must use Excel's cached result when there is one.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                text = body.decode()
                for ref, (kind, value) in cached.items():
                    kind_attr = "" if kind == "n" else f' t="{kind}"'
                    text, found = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/></c>',
                        rf'<c r="{ref}"\1{kind_attr}><f>\2</f><v>{value}</v></c>',
                        text,
                    )
                    assert found <= 1
                body = text.encode()
            dst.writestr(info, body)
    return out.getvalue()


_INLINE = re.compile(
    r'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr">'
    r'<is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
)


def as_excel_saves(data: bytes) -> bytes:
    """Move text into a shared-strings table, as Excel does (openpyxl writes inline strings)."""
    strings: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        index = strings.setdefault(match.group(3), len(strings))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = _INLINE.sub(shared, body.decode()).encode()
            elif info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="sharedStrings.xml"/></Relationships>',
                )
            dst.writestr(info, body)
        items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
        dst.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
        )
    assert strings, "nothing was moved"
    return out.getvalue()


def edit_part(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The workbook with one replacement in one of its parts (what openpyxl refuses to save)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = body.replace(old, new)
            dst.writestr(info, body)
    return out.getvalue()
