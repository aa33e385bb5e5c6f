import pytest

from services.scoring.evidence import MAX_BYTES, MAX_FILES, EvidenceRejected, check

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_a_pdf_is_accepted_and_identified_by_its_content():
    first = check("bien-ban.pdf", "application/pdf", PDF, 0)
    again = check("copy.pdf", "application/pdf", PDF, 3)
    assert first.id == again.id and first.size == len(PDF)


@pytest.mark.parametrize(
    ("content_type", "content", "already", "key"),
    [
        ("application/pdf", b"#!/bin/sh\nrm -rf /", 0, "file_content"),  # a script called pdf
        ("text/html", b"<html>", 0, "file_type"),
        ("application/pdf", b"", 0, "empty_file"),
        ("application/pdf", PDF + b"0" * MAX_BYTES, 0, "file_too_large"),
        ("application/pdf", PDF, MAX_FILES, "too_many_files"),
    ],
)
def test_files_outside_the_limits_are_refused_with_a_reason(content_type, content, already, key):
    with pytest.raises(EvidenceRejected) as caught:
        check("x", content_type, content, already)
    assert caught.value.key == key
