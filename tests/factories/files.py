"""Small valid files for uploads: a one-page PDF written by hand and a PNG drawn with Pillow."""

import io

from PIL import Image, ImageDraw


def _pdf_text(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")


def minimal_pdf(lines):
    """A valid one-page A4 PDF with the given lines of text (Helvetica)."""
    content = b"BT /F1 14 Tf 56 780 Td 18 TL\n"
    for line in lines:
        content += b"(" + _pdf_text(line) + b") Tj T*\n"
    content += b"ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"endstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def png(lines=(), size=(640, 400), color=(13, 110, 253)):
    """A small PNG "photo" with a caption."""
    width, height = size
    image = Image.new("RGB", size, (248, 249, 250))
    draw = ImageDraw.Draw(image)
    band = max(12, height // 7)
    draw.rectangle([0, 0, width, band], fill=color)
    draw.rectangle([width // 16, band + height // 10, width - width // 16, height - band], outline=color, width=3)
    for number, line in enumerate(lines):
        draw.text((8, band + 4 + number * 14), line, fill=(33, 37, 41))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
