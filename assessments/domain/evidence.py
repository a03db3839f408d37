"""Evidence (data dukung): checking uploaded files, the deadline, submitting an entry, and reads.

A file's type is decided by its content, never by its name. Files are read in chunks (Django streams
large uploads to a temporary file), so checking a 20 MB upload never holds it in memory.
"""

import hashlib
import io
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import pypdfium2
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from assessments.models import Edition, EntryEvent, EntrySubmission, EvidenceFile, Indicator, Participant
from sp2k.stored_files import removed_on_failure

# kind -> (content type, extension of the served file)
KINDS = {
    EvidenceFile.Kind.PDF: ("application/pdf", "pdf"),
    EvidenceFile.Kind.JPEG: ("image/jpeg", "jpg"),
    EvidenceFile.Kind.PNG: ("image/png", "png"),
    EvidenceFile.Kind.XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    EvidenceFile.Kind.DOCX: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx,application/pdf,image/jpeg,image/png"
MAX_FILES_PER_UPLOAD = 10
MAX_CAPTION = 200

# Office files are zip archives: these caps refuse "zip bombs" before anything is decompressed.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_SUSPICIOUS_ENTRY = 10 * 1024 * 1024  # entries this large must not be compressed beyond...
ZIP_MAX_RATIO = 100  # ...this ratio (XML compresses ~10x; a block of zeros ~1000x)
PDF_MAX_PAGES = 5000

_HEAD = 4096
_TAIL = 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HTML_MARKERS = (b"<html", b"<!doctype", b"<script", b"<body", b"<head", b"<iframe", b"<svg", b"<meta", b"<a href")
_PROGRAM_MARKERS = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Inspected:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str


def max_bytes(edition):
    return edition.evidence_max_mb * 1024 * 1024


def human_size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _refuse(message, **params):
    raise ValidationError(message % params if params else message)


def _scan(uploaded):
    """Hash the whole file and keep its first and last bytes, one chunk at a time."""
    digest = hashlib.sha256()
    head, tail, size = b"", b"", 0
    for chunk in uploaded.chunks():
        digest.update(chunk)
        size += len(chunk)
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
        tail = (tail + chunk[-_TAIL:])[-_TAIL:]
    uploaded.seek(0)
    return head, tail, size, digest.hexdigest()


def _looks_like_html(head):
    start = head[:1024].lower()
    return any(marker in start for marker in _HTML_MARKERS)


def _check_pdf(uploaded, tail):

    if b"%%EOF" not in tail:
        _refuse(_("The PDF is damaged or incomplete (its end is missing). Save or export it again and retry."))
    try:
        reader = PdfReader(uploaded.file if hasattr(uploaded, "file") else uploaded, strict=False)
        if reader.is_encrypted:
            _refuse(_("The PDF is protected with a password, so assessors cannot open it. Upload it without one."))
        pages = len(reader.pages)
        if pages == 0:
            _refuse(_("The PDF has no pages."))
        if pages > PDF_MAX_PAGES:
            _refuse(_("The PDF has more than %(max)d pages."), max=PDF_MAX_PAGES)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - parsing each page is the check
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf also raises NotImplementedError, AssertionError...: all mean damage
        _refuse(_("The PDF is damaged: it cannot be read. Save or export it again and retry."))
    finally:
        uploaded.seek(0)


def _check_image(uploaded, expected_format):

    try:
        with Image.open(uploaded) as image:
            if image.format != expected_format:
                _refuse(_("The image is damaged or not what its first bytes say."))
            width, height = image.size
            if width < 1 or height < 1 or width * height > Image.MAX_IMAGE_PIXELS:
                _refuse(
                    _("The image is %(width)d × %(height)d pixels, which is too large. Reduce it and retry."),
                    width=width,
                    height=height,
                )
            image.verify()
        if expected_format == "JPEG":
            # verify() checks little for JPEG: decode at 1/8 scale, which still reads every byte.
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to open images declaring far too many pixels: that is a size, not damage.
        _refuse(_("The image has far too many pixels, which is too large. Reduce it and retry."))
    except Exception:  # noqa: BLE001 - whatever Pillow raises on a damaged image is a refusal, not a 500
        _refuse(_("The image is damaged or incomplete. Save it again and retry."))
    finally:
        uploaded.seek(0)


def _check_office(uploaded):
    """An XLSX or DOCX: a sound zip archive of the right parts, small enough once unpacked."""
    try:
        archive = zipfile.ZipFile(uploaded)
    except Exception:  # noqa: BLE001 - BadZipFile, OSError, ValueError, struct.error...: a damaged archive
        _refuse(_("The file is damaged: it looks like an Office file but cannot be opened."))
    try:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            _refuse(_("The Office file contains too many parts (%(count)d) to be checked safely."), count=len(infos))
        total = sum(info.file_size for info in infos)
        bomb = any(
            info.file_size > ZIP_SUSPICIOUS_ENTRY and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1)
            for info in infos
        )
        if total > ZIP_MAX_UNCOMPRESSED or bomb:
            _refuse(_("The Office file unpacks to far more data than it holds (a “zip bomb”), so it is refused."))
        if any(info.flag_bits & 0x1 for info in infos):
            _refuse(_("The Office file is encrypted. Upload it without a password."))
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names:
            _refuse(_("The file is a zip archive, not an XLSX or DOCX document. Zip archives are not accepted."))
        if "xl/workbook.xml" in names:
            kind = EvidenceFile.Kind.XLSX
        elif "word/document.xml" in names:
            kind = EvidenceFile.Kind.DOCX
        else:
            _refuse(_("The Office file is neither an Excel workbook (XLSX) nor a Word document (DOCX)."))
        if any(PurePosixPath(name).name.lower() == "vbaproject.bin" for name in names):
            _refuse(_("The Office file contains macros. Save it as a plain .xlsx or .docx and retry."))
        try:
            damaged = archive.testzip()
        except Exception:  # noqa: BLE001 - corrupt deflate data raises zlib.error; any failure means damage
            damaged = True
        if damaged:
            _refuse(_("The Office file is damaged. Save it again and retry."))
        return kind
    finally:
        archive.close()
        uploaded.seek(0)


def inspect_file(uploaded, limit):
    """Decide what an uploaded file is from its content; raise ValidationError saying what is wrong.

    ``limit`` is the largest size in bytes. Returns an ``Inspected`` with the detected kind.
    """
    size = uploaded.size or 0
    if size == 0:
        _refuse(_("The file is empty (0 bytes)."))
    if size > limit:
        _refuse(
            _("The file is %(size)s; the largest allowed is %(max)s."), size=human_size(size), max=human_size(limit)
        )
    head, tail, size, sha256 = _scan(uploaded)
    if size == 0:
        _refuse(_("The file is empty (0 bytes)."))
    if size > limit:
        _refuse(
            _("The file is %(size)s; the largest allowed is %(max)s."), size=human_size(size), max=human_size(limit)
        )
    if _looks_like_html(head):
        # Also a "polyglot" (a PDF header in front of a web page): refused whatever it starts with.
        _refuse(_("The file contains a web page (HTML), not a document. Only PDF, JPEG, PNG, XLSX, DOCX are accepted."))
    if head.startswith(b"%PDF-"):
        _check_pdf(uploaded, tail)
        kind = EvidenceFile.Kind.PDF
    elif head.startswith(b"\xff\xd8\xff"):
        _check_image(uploaded, "JPEG")
        kind = EvidenceFile.Kind.JPEG
    elif head.startswith(_PNG_SIGNATURE):
        _check_image(uploaded, "PNG")
        kind = EvidenceFile.Kind.PNG
    elif head.startswith(b"PK\x03\x04"):
        kind = _check_office(uploaded)
    elif head.startswith(_PROGRAM_MARKERS):
        _refuse(_("The file is a program (executable), not a document. It is refused whatever its name."))
    elif head.startswith(_OLE_SIGNATURE):
        _refuse(
            _("The file is an old Office format (.doc/.xls) or password-protected. Save it as .docx, .xlsx or PDF.")
        )
    else:
        _refuse(_("The content of the file is not PDF, JPEG, PNG, XLSX or DOCX, whatever its name says."))
    content_type, extension = KINDS[kind]
    return Inspected(kind, content_type, extension, size, sha256)


def clean_original_name(name):
    """The uploader's file name, for display and the download only (never for storage)."""
    name = PurePosixPath(str(name or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f\"<>]", "", name).strip(" .")
    return name[:255] or "data-dukung"


def download_name(evidence):
    """The served name: the uploader's name with the extension of the detected type."""
    stem = PurePosixPath(evidence.original_name).stem or "data-dukung"
    return f"{stem[:150]}.{KINDS[evidence.kind][1]}"


# --- the deadline and the entry's state ---


@dataclass(frozen=True)
class EntryStatus:
    editable: bool
    reason: str
    deadline: object  # the deadline that applies to this kecamatan (datetime or None)
    submission: object  # EntrySubmission or None
    extended: bool


def _submission(participant):
    try:
        return participant.submission
    except EntrySubmission.DoesNotExist:
        return None


def entry_status(participant, now=None):
    """Whether the kecamatan may still upload, replace, withdraw or re-caption evidence, and why not."""
    now = now or timezone.now()
    edition = participant.edition
    submission = _submission(participant)
    extended_to = submission.deadline_extended_to if submission else None
    extended = bool(extended_to and extended_to >= now)
    deadline = extended_to if extended else edition.evidence_deadline

    def status(reason):
        return EntryStatus(not reason, reason, deadline, submission, extended)

    if not edition.evidence_open:
        return status(_("The competition does not take evidence now."))
    if participant.status == Participant.Status.REJECTED:
        return status(_("The nomination was rejected."))
    if participant.is_withdrawn:
        return status(_("The nomination was withdrawn by the regency."))
    if submission and submission.submitted_at:
        return status(
            _("The entry was submitted on %(date)s; ask the province admin to extend your deadline to change it.")
            % {"date": date_filter(timezone.localtime(submission.submitted_at), "DATETIME_FORMAT")}
        )
    if extended:
        return status("")
    if edition.evidence_deadline and now > edition.evidence_deadline:
        return status(
            _("The deadline passed on %(date)s; ask the province admin to extend it for your kecamatan.")
            % {"date": date_filter(timezone.localtime(edition.evidence_deadline), "DATETIME_FORMAT")}
        )
    return status("")


def _lock(participant):
    """Lock the participant's row so uploads, submitting and extending cannot interleave."""
    # The submission row is only ever written under this lock, so locking the participant is enough.
    return Participant.objects.select_for_update().select_related("edition").get(pk=participant.pk)


def _require_editable(participant):
    status = entry_status(participant)
    if not status.editable:
        raise ValidationError(status.reason)
    return status


def _check_indicator(participant, indicator):
    if not indicator.requires_evidence:
        raise ValidationError(_("This indicator does not ask for evidence."))
    if indicator.aspect.stage.edition_id != participant.edition_id:
        raise ValidationError(_("This indicator belongs to another edition."))


def _store(participant, indicator, uploaded, inspected, caption, user, replaces=None, stored=None):
    """Store the file and write its row. ``stored`` (a ``StoredFiles``) takes the file when the caller's
    transaction may still roll back: the caller then removes it on failure. Without it, the file goes at
    once if its row cannot be written."""
    evidence = EvidenceFile(
        participant=participant,
        indicator=indicator,
        caption=(caption or "").strip()[:MAX_CAPTION],
        original_name=clean_original_name(uploaded.name),
        kind=inspected.kind,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=user,
        replaces=replaces,
    )
    uploaded.seek(0)
    with removed_on_failure() as own:
        (stored or own).save(evidence.file, "upload", uploaded)
        with transaction.atomic():
            evidence.save()
    return evidence


def add_files(participant, indicator, files, caption, user):
    """Store each acceptable file as new evidence for the indicator.

    Returns ``(stored, refused)``; ``refused`` lists ``(file name, message)``. A refused file changes
    nothing; the acceptable files of the same upload are stored, all or none: if storing one of them
    fails, no row and no file of the upload stays.

    Every file is checked before the transaction starts (checking 10 large files takes a while, and
    holds no lock); the rows are then written in one transaction, under the entry's lock.
    """
    if not files:
        raise ValidationError(_("Choose at least one file."))
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(_("Upload at most %(max)d files at once.") % {"max": MAX_FILES_PER_UPLOAD})
    # Refuse early, before any file is read (a fresh read, no lock); checked again under the lock below.
    current = Participant.objects.select_related("edition").get(pk=participant.pk)
    _require_editable(current)
    _check_indicator(current, indicator)
    limit = max_bytes(current.edition)
    accepted, refused = [], []
    for uploaded in files:
        try:
            accepted.append((uploaded, inspect_file(uploaded, limit)))
        except ValidationError as error:
            refused.append((clean_original_name(uploaded.name), " ".join(error.messages)))
    if not accepted:
        return [], refused
    with removed_on_failure() as stored_files, transaction.atomic():
        participant = _lock(participant)
        _require_editable(participant)
        _check_indicator(participant, indicator)
        stored = [
            _store(participant, indicator, uploaded, inspected, caption, user, stored=stored_files)
            for uploaded, inspected in accepted
        ]
    return stored, refused


def replace_file(evidence, uploaded, caption, user):
    """Upload a new version of a current file; the earlier version stays listed and downloadable.

    The file is checked before the transaction starts; if the new row cannot be written, its file goes.
    """
    # Refuse early, before the file is read (a fresh read, no lock); checked again under the lock below.
    current = Participant.objects.select_related("edition").get(pk=evidence.participant_id)
    _require_editable(current)
    inspected = inspect_file(uploaded, max_bytes(current.edition))
    with removed_on_failure() as stored_files, transaction.atomic():
        participant = _lock(evidence.participant)
        _require_editable(participant)
        old = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
        if not is_current(old):
            raise ValidationError(_("This file was already replaced or withdrawn; replace its newest version."))
        try:
            new = _store(
                participant,
                old.indicator,
                uploaded,
                inspected,
                (caption or "").strip() or old.caption,
                user,
                old,
                stored=stored_files,
            )
        except IntegrityError as error:
            raise ValidationError(_("This file was already replaced; reload the page.")) from error
        if old.is_public != new.is_public:
            new.is_public = old.is_public
            new.save(update_fields=["is_public"])
    return new


def update_file(evidence, caption, is_public, user):
    with transaction.atomic():
        participant = _lock(evidence.participant)
        _require_editable(participant)
        evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
        if not is_current(evidence):
            raise ValidationError(_("Only the newest version of a file can be changed."))
        evidence.caption = (caption or "").strip()[:MAX_CAPTION]
        evidence.is_public = bool(is_public)
        evidence.save(update_fields=["caption", "is_public"])
    return evidence


def withdraw_file(evidence, user):
    """Take a file off the checklist. It is kept (with its versions) in the history, not deleted."""
    with transaction.atomic():
        participant = _lock(evidence.participant)
        _require_editable(participant)
        evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
        if not is_current(evidence):
            raise ValidationError(_("Only the newest version of a file can be withdrawn."))
        evidence.withdrawn_at = timezone.now()
        evidence.withdrawn_by = user
        evidence.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return evidence


def submit_entry(participant, user):
    """ "Kirim": lock the entry once every indicator that asks for evidence has a current file."""
    with transaction.atomic():
        participant = _lock(participant)
        _require_editable(participant)
        missing = missing_indicators(participant)
        if missing:
            names = "; ".join(f"{i.aspect.stage.name} — {i.name}" for i in missing)
            raise ValidationError(
                _("The entry cannot be submitted: evidence is missing for %(names)s.") % {"names": names}
            )
        now = timezone.now()
        submission, _created = EntrySubmission.objects.get_or_create(participant=participant)
        submission.submitted_at = now
        submission.submitted_by = user
        submission.save(update_fields=["submitted_at", "submitted_by"])
        EntryEvent.objects.create(participant=participant, action=EntryEvent.Action.SUBMIT, by=user)
    return submission


def extend_deadline(participant, until, user, reason=""):
    """The province admin gives one kecamatan until ``until``; a submitted entry opens again."""
    if until <= timezone.now():
        raise ValidationError(_("The new deadline must be in the future."))
    with transaction.atomic():
        participant = _lock(participant)
        if not participant.edition.evidence_open:
            raise ValidationError(_("The competition does not take evidence now."))
        now = timezone.now()
        submission, _created = EntrySubmission.objects.get_or_create(participant=participant)
        submission.deadline_extended_to = until
        submission.deadline_extended_by = user
        submission.deadline_extended_at = now
        submission.submitted_at = None
        submission.submitted_by = None
        submission.save()
        EntryEvent.objects.create(
            participant=participant, action=EntryEvent.Action.EXTEND, by=user, until=until, reason=reason.strip()
        )
    return submission


# --- reads ---


def current_files():
    """Evidence files that are the newest version of their chain and not withdrawn."""
    return EvidenceFile.objects.filter(replaced_by__isnull=True, withdrawn_at__isnull=True)


def is_current(evidence):
    return evidence.withdrawn_at is None and not EvidenceFile.objects.filter(replaces=evidence).exists()


def required_indicators(edition):
    """Every indicator of the edition that asks for evidence, in stage, aspect and indicator order."""
    return (
        Indicator.objects.filter(aspect__stage__edition=edition, requires_evidence=True)
        .select_related("aspect__stage")
        .order_by("aspect__stage__order", "aspect__order", "order")
    )


def missing_indicators(participant):
    return list(
        required_indicators(participant.edition)
        .annotate(
            current=Count(
                "evidence_files",
                filter=Q(
                    evidence_files__participant=participant,
                    evidence_files__replaced_by__isnull=True,
                    evidence_files__withdrawn_at__isnull=True,
                ),
            )
        )
        .filter(current=0)
    )


def evidence_by_indicator(participant, stage):
    """The participant's current files for the stage's indicators: ``{indicator_id: [files]}``. One query."""
    grouped = {}
    files = (
        current_files()
        .filter(participant=participant, indicator__aspect__stage=stage)
        .select_related("uploaded_by")
        .order_by("indicator_id", "uploaded_at", "pk")
    )
    for evidence in files:
        grouped.setdefault(evidence.indicator_id, []).append(evidence)
    return grouped


def _chains(files):
    """Group every version by its chain: ``{current file: [earlier versions, newest first]}``."""
    by_pk = {f.pk: f for f in files}
    replaced = {f.replaces_id for f in files if f.replaces_id}
    heads = [f for f in files if f.pk not in replaced]
    chains = []
    for head in heads:
        earlier, link = [], head.replaces_id
        while link and link in by_pk:
            earlier.append(by_pk[link])
            link = by_pk[link].replaces_id
        chains.append((head, earlier))
    return chains


@dataclass
class ChecklistRow:
    indicator: object
    files: list  # current files, each with .earlier (older versions)
    withdrawn: list

    @property
    def done(self):
        return bool(self.files)


def checklist(participant):
    """Per stage, every indicator that asks for evidence, with its current files and their versions.

    Two queries whatever the number of indicators and files.
    """
    indicators = list(required_indicators(participant.edition))
    files = list(
        EvidenceFile.objects.filter(participant=participant, indicator__in=[i.pk for i in indicators])
        .select_related("uploaded_by", "withdrawn_by")
        .order_by("uploaded_at", "pk")
    )
    rows = {i.pk: ChecklistRow(i, [], []) for i in indicators}
    for head, earlier in _chains(files):
        head.earlier = earlier
        row = rows[head.indicator_id]
        (row.withdrawn if head.withdrawn_at else row.files).append(head)
    stages = []
    for indicator in indicators:
        stage = indicator.aspect.stage
        if not stages or stages[-1][0] != stage:
            stages.append((stage, []))
        stages[-1][1].append(rows[indicator.pk])
    done = sum(1 for row in rows.values() if row.done)
    return {"stages": stages, "done": done, "total": len(rows)}


def participations_of(user):
    """The kecamatan's entries the user's kecamatan account works on (not draft, not rejected)."""
    if not user.is_authenticated or not user.district_id:
        return Participant.objects.none()
    return (
        Participant.objects.filter(district_id=user.district_id)
        .exclude(edition__state=Edition.State.DRAFT)
        .exclude(status__in=Participant.INACTIVE_STATUSES)
        .select_related("edition", "district")
        .order_by("-edition__year", "edition__name")
    )


def public_evidence(participant):
    """Files anyone may download: marked public, current, of a published edition."""
    if not participant.edition.is_published:
        return EvidenceFile.objects.none()
    return current_files().filter(participant=participant, is_public=True).select_related("indicator")


# --- the innovations an entry presents ---


def choose_innovations(participant, innovations, user):
    """Set which of the kecamatan's innovations the entry presents (while the entry may still change)."""
    innovations = list(innovations)
    with transaction.atomic():
        participant = _lock(participant)
        _require_editable(participant)
        if any(innovation.district_id != participant.district_id for innovation in innovations):
            raise ValidationError(_("Only the kecamatan's own innovations can be presented."))
        participant.presented_innovations.set(innovations)
    return innovations


def public_evidence_of_innovation(innovation):
    """Public files of published entries that presented the innovation (for its catalogue page)."""
    return (
        current_files()
        .filter(
            is_public=True,
            participant__edition__state__in=Edition.PUBLISHED_STATES,
            participant__presented_innovations=innovation,
        )
        .select_related("indicator", "participant__edition")
        .order_by("-participant__edition__year", "indicator__aspect__order", "indicator__order", "pk")
    )


# --- evidence beside the score: previews of the files, a stage's evidence as one zip ---

PREVIEW_MAX_PAGES = 20  # pages of a PDF previewed; the whole file is a download away
PREVIEW_WIDTH = 1000  # pixels: a page is rendered this wide...
PREVIEW_MAX_HEIGHT = 2000  # ...unless that would make it taller than this (a long strip is scaled to fit)
PREVIEW_FOLDER = "previews/evidence"  # derived files, rebuilt on demand; not named by any row
ZIP_INDEX_NAME = "daftar-isi.txt"

# PDFium is not thread-safe: one render (or page count) at a time per process.
_pdfium = threading.Lock()


class PreviewUnavailable(Exception):
    """No preview of that page: not a PDF, a page beyond the previewed ones, or a file PDFium cannot read."""


def is_image(evidence):
    return evidence.is_image


def is_pdf(evidence):
    return evidence.is_pdf


def _preview_folder(evidence):
    return f"{PREVIEW_FOLDER}/{evidence.token.hex}"


def preview_name(evidence, page):
    """The stored name of page ``page``'s PNG (derived from the file's token and the render size)."""
    return f"{_preview_folder(evidence)}/page-{page}-{PREVIEW_WIDTH}x{PREVIEW_MAX_HEIGHT}.png"


def _store_once(storage, name, data):
    """Keep ``data`` under ``name``; when a parallel request stored it first, keep theirs."""
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        storage.delete(saved)


def _open_pdf(evidence):
    """The stored PDF opened with PDFium (caller holds ``_pdfium`` and closes both)."""
    handle = evidence.file.storage.open(evidence.file.name, "rb")
    try:
        return handle, pypdfium2.PdfDocument(handle)
    except Exception as error:  # noqa: BLE001 - PdfiumError, OSError...: no preview, never a 500
        handle.close()
        raise PreviewUnavailable from error


def preview_pages(evidence):
    """``(previewed, total)``: how many pages of the PDF are previewed (at most ``PREVIEW_MAX_PAGES``) and
    how many it has. Counted once, then kept beside the page images."""
    if not is_pdf(evidence):
        raise PreviewUnavailable
    storage = evidence.file.storage
    name = f"{_preview_folder(evidence)}/pages.txt"
    try:
        with storage.open(name, "rb") as cached:
            total = int(cached.read().strip())
    except (FileNotFoundError, ValueError):
        with _pdfium:
            handle, document = _open_pdf(evidence)
            try:
                total = len(document)
            finally:
                document.close()
                handle.close()
        _store_once(storage, name, str(total).encode())
    return min(total, PREVIEW_MAX_PAGES), total


def render_pdf_page(evidence, page):
    """The stored name of a PNG of page ``page`` (from 1) of an evidence PDF, rendered on the server.

    The file is never sent to the browser to be run: the assessor sees a picture of the page. Each page
    is rendered once (``PREVIEW_WIDTH`` wide, at most ``PREVIEW_MAX_HEIGHT`` tall) and kept in storage
    under a name derived from the file's token; the next request serves the kept picture.
    Raises ``PreviewUnavailable`` for a page beyond the PDF or ``PREVIEW_MAX_PAGES``, or an unreadable file.
    """
    if not is_pdf(evidence) or not 1 <= page <= PREVIEW_MAX_PAGES:
        raise PreviewUnavailable
    storage = evidence.file.storage
    name = preview_name(evidence, page)
    if storage.exists(name):
        return name
    out = io.BytesIO()
    with _pdfium:
        handle, document = _open_pdf(evidence)
        try:
            if page > len(document):
                raise PreviewUnavailable
            pdf_page = document[page - 1]
            try:
                width, height = pdf_page.get_size()
                if width <= 0 or height <= 0:
                    raise PreviewUnavailable
                scale = min(PREVIEW_WIDTH / width, PREVIEW_MAX_HEIGHT / height)
                bitmap = pdf_page.render(scale=scale)
                bitmap.to_pil().save(out, "PNG")
            except PreviewUnavailable:
                raise
            except Exception as error:  # noqa: BLE001 - a page PDFium cannot draw: no preview, never a 500
                raise PreviewUnavailable from error
            finally:
                pdf_page.close()
        finally:
            document.close()
            handle.close()
    _store_once(storage, name, out.getvalue())
    return name


def stage_files(participant, stage):
    """The participant's current files for the stage's indicators, in the sheet's order. One query."""
    return list(
        current_files()
        .filter(participant=participant, indicator__aspect__stage=stage)
        .select_related("indicator__aspect")
        .order_by("indicator__aspect__order", "indicator__order", "indicator_id", "uploaded_at", "pk")
    )


def _safe_zip_part(name):
    """A name safe in any unzip tool: no folders, no control or shell-special characters."""
    name = re.sub(r"[^\w.\- ()]+", "_", name, flags=re.UNICODE)
    name = re.sub(r"_+", "_", name).strip(" ._")
    return name[:150] or "data-dukung"


def indicator_codes(stage):
    """``{indicator_id: "2.3"}``: each indicator's number on the stage's score sheet (aspect, then indicator,
    both counted from 1 in the sheet's order). One query."""
    codes, aspects, within = {}, {}, {}
    rows = Indicator.objects.filter(aspect__stage=stage).order_by("aspect__order", "aspect_id", "order", "pk")
    for pk, aspect_id in rows.values_list("pk", "aspect_id"):
        aspect = aspects.setdefault(aspect_id, len(aspects) + 1)
        within[aspect_id] = within.get(aspect_id, 0) + 1
        codes[pk] = f"{aspect}.{within[aspect_id]}"
    return codes


def zip_entries(participant, stage):
    """``[(file, name in the zip)]`` for the stage's current files, and the index's text. Two queries.

    A name is ``<indicator number>_<original name>.<extension of the detected type>`` (``2.3_SK Tim.pdf``),
    without folders or characters an unzip tool could take for a path; a name taken already (whatever its
    case) gets `` (2)``, `` (3)``... before its extension.
    """
    codes = indicator_codes(stage)
    taken = {ZIP_INDEX_NAME}
    entries = []
    lines = [f"{participant.district.name} · {stage.edition.name} · {stage.name}", ""]
    for evidence in stage_files(participant, stage):
        code = codes.get(evidence.indicator_id, "0")
        stem = _safe_zip_part(PurePosixPath(download_name(evidence)).stem)
        extension = KINDS[evidence.kind][1]
        name, copy = f"{code}_{stem}.{extension}", 1
        while name.lower() in taken:
            copy += 1
            name = f"{code}_{stem} ({copy}).{extension}"
        taken.add(name.lower())
        entries.append((evidence, name))
        caption = f" — {evidence.caption}" if evidence.caption else ""
        lines.append(f"{name}\t{code} {evidence.indicator.aspect.name} / {evidence.indicator.name}{caption}")
    return entries, "\n".join(lines) + "\n"


def zip_name(participant, stage):
    return _safe_zip_part(f"data-dukung {participant.district.name} {stage.name}").replace(" ", "-") + ".zip"


class _Sink:
    """A write-only, unseekable target for ``zipfile``: what was written is taken out piece by piece."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data, self.parts = b"".join(self.parts), []
        return data


def stream_zip(entries, index):
    """A zip archive of ``entries`` (``[(file, name)]``), as an iterator of pieces read from storage.

    Nothing of the database is asked while streaming (the entries come in a list); a file missing
    from storage is left out and named in the index. Office files and images hardly compress, so the
    fastest level is used.
    """
    # Translated now, in the request's language: the pieces are made after the view has returned.
    note = _("(missing from storage)")
    return _zip_pieces(entries, index, note)


def _zip_info(name, moment):
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(moment).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # a plain readable file once unzipped (0 would leave it unreadable)
    return info


def _zip_pieces(entries, index, note):
    sink = _Sink()
    missing = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for evidence, name in entries:
            try:
                source = evidence.file.storage.open(evidence.file.name, "rb")
            except (FileNotFoundError, OSError):
                missing.append(name)
                continue
            with source, archive.open(_zip_info(name, evidence.uploaded_at), "w", force_zip64=True) as target:
                for chunk in source.chunks():
                    target.write(chunk)
                    if piece := sink.take():
                        yield piece
        if missing:
            index += "\n" + "\n".join(f"{name}\t{note}" for name in missing) + "\n"
        archive.writestr(_zip_info(ZIP_INDEX_NAME, timezone.now()), index)
    yield sink.take()
