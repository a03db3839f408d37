"""Damaged files built in the test: zip containers with corrupt deflate data, PDFs that make pypdf raise."""

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def corrupt_deflate(data, victim):
    """The zip archive ``data`` with the deflate stream of the entry ``victim`` overwritten by garbage.

    The archive's directory stays sound (it opens, lists its parts); inflating that one part raises
    ``zlib.error`` ("invalid block type"), not ``zipfile.BadZipFile``.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(victim)
    assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size >= 4
    damaged = bytearray(data)
    name_length = int.from_bytes(damaged[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(damaged[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    damaged[start : start + 4] = b"\xff\xff\xff\xff"  # deflate block type 3 does not exist
    return bytes(damaged)


def office_zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def damaged_docx():
    text = "<w:document><w:body>" + "<w:p><w:r><w:t>Laporan kegiatan</w:t></w:r></w:p>" * 50 + "</w:body></w:document>"
    data = office_zip(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<Relationships/>", "word/document.xml": text}
    )
    return corrupt_deflate(data, "word/document.xml")


def damaged_xlsx(workbook_bytes, victim="xl/worksheets/sheet1.xml"):
    """A real workbook (openpyxl's output) with the deflate data of one part destroyed."""
    return corrupt_deflate(workbook_bytes, victim)


def pdf_with_object_stream(objstm_dict):
    """A PDF 1.5 whose only page lives in an object stream described by ``objstm_dict``.

    With ``/Filter /FooDecode`` pypdf raises NotImplementedError ("Unsupported filter") when it reads
    the page; with ``/Type /Foo`` instead of ``/Type /ObjStm`` it fails an ``assert`` (AssertionError).
    """
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {}

    def obj(number, body):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    content = b"3 0 << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"
    obj(4, b"<< %s /Length %d >>\nstream\n" % (objstm_dict, len(content)) + content + b"\nendstream")
    xref_at = out.tell()
    rows = [b"\x00\x00\x00\xff"]
    rows += [b"\x01" + offsets[n].to_bytes(2, "big") + b"\x00" for n in (1, 2)]
    rows.append(b"\x02\x00\x04\x00")  # object 3: in object stream 4, at index 0
    rows.append(b"\x01" + offsets[4].to_bytes(2, "big") + b"\x00")
    rows.append(b"\x01" + xref_at.to_bytes(2, "big") + b"\x00")
    data = b"".join(rows)
    out.write(
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 2 1] /Root 1 0 R /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


PDF_NOT_IMPLEMENTED = b"/Type /ObjStm /N 1 /First 4 /Filter /FooDecode"
PDF_ASSERTION = b"/Type /Foo /N 1 /First 4"
