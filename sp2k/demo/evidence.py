"""Example evidence for the demo editions: small generated PDFs and PNG images, clearly marked as examples.

The published 2022 edition gets the five winners' evidence (stored as it was then: the edition no longer
takes uploads); the edition in progress gets some kecamatan's evidence through the domain's uploads
(``add_files``, ``submit_entry``), as their operators would: one entry submitted, others half done.
"""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from assessments.domain.evidence import _store, add_files, current_files, inspect_file, submit_entry
from assessments.models import EntryEvent, EntrySubmission, Participant, Stage
from sp2k.accounts.models import DISTRICT_ROLES, Role, User
from sp2k.demo import timeline
from sp2k.demo.competition import WINNER_LEVELS


def _pdf_text(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")


def minimal_pdf(lines):
    """A valid one-page A4 PDF with the given lines of text (Helvetica), written by hand."""
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


def demo_png(lines=(), size=(640, 400), color=(13, 110, 253)):
    """A small PNG "photo" with a caption, made with Pillow."""

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


def _uploader(participant):
    """Who uploads a kecamatan's evidence: its operator, else its camat, else the province admin."""
    accounts = User.objects.filter(district_id=participant.district_id, role__in=DISTRICT_ROLES)
    return (
        accounts.filter(role=Role.DISTRICT_OPERATOR).order_by("pk").first()
        or accounts.order_by("pk").first()
        or User.objects.filter(role=Role.PROVINCE_ADMIN, province_id=participant.edition.province_id)
        .order_by("pk")
        .first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def create_demo_evidence(edition):
    """Evidence for the desk-stage indicators of the demo edition's five winners; returns files created.

    Idempotent: an indicator that already has a current file of that participant is left alone.
    """

    desk = edition.stages.filter(kind=Stage.Kind.DESK).order_by("order").first()
    if desk is None:
        return 0
    indicators = list(desk.aspects.all().prefetch_related("indicators"))
    indicators = [i for aspect in indicators for i in aspect.indicators.all() if i.requires_evidence]
    created = 0
    participants = Participant.objects.filter(edition=edition, district_id__in=list(WINNER_LEVELS)).select_related(
        "district__regency", "edition"
    )
    for participant in participants:
        user = _uploader(participant)
        if user is None:
            continue
        have = set(current_files().filter(participant=participant).values_list("indicator_id", flat=True))
        with transaction.atomic():
            for number, indicator in enumerate(indicators):
                if indicator.pk in have:
                    continue
                district = participant.district.name
                title = f"{indicator.name} - Kecamatan {district}"
                pdf = ContentFile(
                    minimal_pdf(
                        [
                            "CONTOH DATA DUKUNG (data contoh, bukan dokumen resmi)",
                            title,
                            f"{participant.district.regency.name} - {edition.name}",
                            f"Tahap: {desk.name}",
                        ]
                    ),
                    name=f"{indicator.name} {district}.pdf".replace("/", "-"),
                )
                _store(participant, indicator, pdf, inspect_file(pdf, 10**7), f"{indicator.name} (contoh)", user)
                created += 1
                if number % 2 == 0:
                    png = ContentFile(
                        demo_png([f"Foto kegiatan (contoh) - {district}", indicator.name]), name=f"foto {district}.png"
                    )
                    photo = _store(
                        participant, indicator, png, inspect_file(png, 10**7), "Foto kegiatan (contoh)", user
                    )
                    photo.is_public = True
                    photo.save(update_fields=["is_public"])
                    created += 1
            submission, _ = EntrySubmission.objects.get_or_create(participant=participant)
            if submission.submitted_at is None:
                submission.submitted_at = timezone.now()
                submission.submitted_by = user
                submission.save(update_fields=["submitted_at", "submitted_by"])
                EntryEvent.objects.create(participant=participant, action=EntryEvent.Action.SUBMIT, by=user)
    return created


# The edition in progress: how many desk indicators each kecamatan has evidence for (None: all of them,
# and the entry is submitted). Rogojampi is half done, so its camat and operator still have work.
CURRENT_EVIDENCE = {"35.10.13": 3, "35.15.13": None, "35.13.23": 2, "35.79.02": 4}


def _files_for(participant, indicator, number, stage):
    """The upload of one indicator: (caption, files) pairs: its PDF, and on every other indicator a photo."""
    district = participant.district.name
    uploads = [
        (
            f"{indicator.name} (contoh)",
            ContentFile(
                minimal_pdf(
                    [
                        "CONTOH DATA DUKUNG (data contoh, bukan dokumen resmi)",
                        f"{indicator.name} - Kecamatan {district}",
                        f"{participant.district.regency.name} - {participant.edition.name}",
                        f"Tahap: {stage.name}",
                    ]
                ),
                name=f"{indicator.name} {district}.pdf".replace("/", "-"),
            ),
        )
    ]
    if number % 2 == 0:
        photo = demo_png([f"Foto kegiatan (contoh) - {district}", indicator.name])
        uploads.append(("Foto kegiatan (contoh)", ContentFile(photo, name=f"foto {district}.png")))
    return uploads


def create_current_evidence(edition):
    """Evidence of a few kecamatan in the edition in progress, uploaded through the domain (its checks
    apply); Taman's entry is submitted. Returns the files created. Idempotent: an indicator that already
    has a current file is left alone, a submitted entry too."""

    desk = edition.stages.filter(kind=Stage.Kind.DESK).order_by("order").first()
    if desk is None:
        return 0
    indicators = [
        i
        for aspect in desk.aspects.order_by("order").prefetch_related("indicators")
        for i in aspect.indicators.all()
        if i.requires_evidence
    ]
    participants = Participant.objects.filter(edition=edition, district_id__in=list(CURRENT_EVIDENCE)).select_related(
        "district__regency", "edition"
    )
    new = []
    for participant in participants:
        user = _uploader(participant)
        count = CURRENT_EVIDENCE[participant.district_id]
        have = set(current_files().filter(participant=participant).values_list("indicator_id", flat=True))
        submitted = EntrySubmission.objects.filter(participant=participant, submitted_at__isnull=False).exists()
        if user is None or submitted:
            continue
        for number, indicator in enumerate(indicators[:count]):
            if indicator.pk in have:
                continue
            for caption, upload in _files_for(participant, indicator, number, desk):
                stored, _refused = add_files(participant, indicator, [upload], caption, user)
                new.extend(stored)
        if count is None:
            submit_entry(participant, user)
    timeline.date_new_evidence(new, timezone.localdate())
    return len(new)
