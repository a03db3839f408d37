"""Every damaged file is a refusal with a message, whatever the parser raises on it (issue 11)."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfReader

from assessments.domain import evidence
from assessments.domain.editions import parse_configuration_file, validate_configuration
from tests.factories.damaged import (
    PDF_ASSERTION,
    PDF_NOT_IMPLEMENTED,
    damaged_docx,
    damaged_xlsx,
    pdf_with_object_stream,
)

LIMIT = 20 * 1024 * 1024


def xlsx():
    book = Workbook()
    for n in range(200):
        book.active.append(["Indikator", n, "Capaian program pelayanan"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refusal(name, data):
    with pytest.raises(ValidationError) as refused:
        evidence.inspect_file(SimpleUploadedFile(name, data), LIMIT)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize("data", [damaged_docx(), damaged_xlsx(xlsx())], ids=["docx", "xlsx"])
def test_office_file_with_corrupt_deflate_data_is_refused(data):
    # The file is what the issue describes: the archive opens, inflating a part raises zlib.error.
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(zlib.error):
        archive.testzip()
    assert "damaged" in refusal("laporan.docx", data)


@pytest.mark.parametrize(
    ("objstm", "raised"), [(PDF_NOT_IMPLEMENTED, NotImplementedError), (PDF_ASSERTION, AssertionError)]
)
def test_pdf_that_makes_pypdf_raise_is_refused(objstm, raised):
    data = pdf_with_object_stream(objstm)
    with pytest.raises(raised):
        reader = PdfReader(io.BytesIO(data), strict=False)
        [page.mediabox for page in reader.pages]
    assert "PDF is damaged" in refusal("laporan.pdf", data)


def test_image_that_makes_pillow_raise_oddly_is_refused(monkeypatch):
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")

    def odd(self):
        raise struct.error("unpack requires a buffer of 4 bytes")

    monkeypatch.setattr(Image.Image, "verify", odd, raising=False)
    monkeypatch.setattr("PIL.PngImagePlugin.PngImageFile.verify", odd)
    assert "image is damaged" in refusal("foto.png", out.getvalue())


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("edisi.yaml", b"starts_on: 2024-02-30\n"),  # a date that does not exist: ValueError in the YAML loader
        ("edisi.yaml", b"x: !!float abc\n"),
        ("edisi.json", b'{"x": ' + b"9" * 5000 + b"}"),  # beyond Python's integer string limit
        ("edisi.yaml", b"x: " + b"9" * 5000 + b"\n"),
    ],
)
def test_configuration_file_the_parser_chokes_on_is_refused_naming_the_file(name, data):
    with pytest.raises(ValidationError) as refused:
        parse_configuration_file(SimpleUploadedFile(name, data))
    assert name in " ".join(refused.value.messages)


@pytest.mark.parametrize("bound", ["1e100", "123456", "10.555"])
def test_configuration_scale_beyond_what_the_database_holds_is_a_problem(bound):
    indicator = {"name": "Ind", "weight": 100, "scale_min": 0, "scale_max": bound}
    stage = {"name": "Desk", "order": 1, "kind": "desk", "weight": 100}
    stage["aspects"] = [{"name": "Aspek", "weight": 100, "indicators": [indicator]}]
    data = {"format": "sp2k-edition/1", "aggregation": "mean", "final_score": "last_stage", "stages": [stage]}
    problems = validate_configuration(data)
    assert any("9999.99" in problem for problem in problems), problems
