"""Is this PDF the genuine document? What the public verification page answers about a file.

Two independent checks, both on the file as the holder has it: its electronic signature (pyHanko's
validator against the deployment's trust roots: intact, trusted, covering the whole file) and its bytes
(SHA-256) against the files the portal stored for the document's code — every version of that document,
and the bundles of all certificates or recaps printed for its edition. The upload is read in memory and
never stored.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.domain import signing
from assessments.models import Document, DocumentJob

# A document, or a bundle of every certificate of an edition (666 certificates: about 2.6 MB), with room to spare.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

STORED_SIGNATURE_SECONDS = 24 * 3600

BUNDLE_KINDS = {Document.Kind.CERTIFICATE: DocumentJob.Kind.CERTIFICATES, Document.Kind.RECAP: DocumentJob.Kind.RECAPS}


@dataclass
class Verdict:
    """The answer for one uploaded file: a headline, whether it is genuine, and the lines behind it."""

    genuine: bool
    headline: str
    lines: list = field(default_factory=list)


def _same_bytes(stored, data, size):
    """Whether a stored file holds exactly ``data`` (its size compared first: no read for most files)."""
    if not stored:
        return False
    try:
        if stored.size != size:
            return False
        with stored.open("rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _matching(document, data):
    """The stored file equal to ``data``: (the version of the document it is, whether it is a bundle)."""
    size = len(data)
    versions = Document.objects.filter(edition=document.edition_id, subject=document.subject).order_by("-version")
    for version in versions:
        if _same_bytes(version.file, data, size):
            return version, False
    kind = BUNDLE_KINDS.get(document.kind)
    if kind is not None:
        bundles = DocumentJob.objects.filter(edition=document.edition_id, kind=kind, status=DocumentJob.Status.DONE)
        for bundle in bundles.order_by("-pk"):
            if _same_bytes(bundle.result, data, size):
                # A bundle holds the version current when it was printed: this code's, if any.
                return document, True
    return None, False


def signature_lines(result):
    """What the signatures of a PDF say, one line each (for the page's details)."""
    lines = []
    for signature in result.signatures:
        when = date_format(timezone.localtime(signature.signed_at), "j F Y H:i") if signature.signed_at else "—"
        if signature.sound:
            lines.append(
                _("Electronic signature of %(signer)s, %(when)s: intact and trusted.")
                % {"signer": signature.signer, "when": when}
            )
        elif not signature.intact:
            lines.append(
                _("Electronic signature of %(signer)s, %(when)s: BROKEN — the file was changed after it was signed.")
                % {"signer": signature.signer or "?", "when": when}
            )
        elif not signature.trusted:
            lines.append(
                _(
                    "Electronic signature of %(signer)s, %(when)s: intact, but its certificate is not one this "
                    "portal trusts."
                )
                % {"signer": signature.signer, "when": when}
            )
        else:
            lines.append(
                _(
                    "Electronic signature of %(signer)s, %(when)s: intact, but something was added to the file after "
                    "it was signed."
                )
                % {"signer": signature.signer, "when": when}
            )
    return lines


def stored_signature(document):
    """The signatures of the document's stored file (``signing.PdfCheck``), or None when it has no file yet.

    Checked once per stored file and set of trust roots, then kept in the cache: the page a QR code opens is
    the portal's most visited, a stored file never changes, and reading it from the storage and validating
    it cost tens of milliseconds a visit.
    """
    if not document.file:
        return None
    key = (
        f"sp2k:stored-signature:{document.pk}:{signing.digest(document.file.name.encode())}:{signing.state().trust_key}"
    )
    checked = cache.get(key)
    if checked is None:
        try:
            with document.file.open("rb") as handle:
                checked = signing.check(handle.read())
        except OSError:
            return None
        cache.set(key, checked, STORED_SIGNATURE_SECONDS)
    return checked


def check_upload(document, data):
    """The ``Verdict`` on an uploaded PDF said to be the document with ``document``'s code."""
    result = signing.check(data)
    if not result.readable:
        return Verdict(False, _("This file is not a PDF that can be read: it cannot be the document."))
    lines = signature_lines(result)
    matched, bundle = _matching(document, data)
    if matched is not None and (not result.signed or result.sound):
        if bundle:
            lines.insert(0, _("The file is the bundle of documents the portal printed that holds this one."))
        if not result.signed:
            lines.append(_("The file carries no electronic signature (none was installed when it was printed)."))
        if document.edition.is_demo:
            lines.append(_("It is an EXAMPLE document, printed from the portal's example data: it has no validity."))
        if matched.is_withdrawn:
            return Verdict(
                False,
                _(
                    "Genuine, but WITHDRAWN: this file is the document (version %(v)s) the portal issued; it has "
                    "since been withdrawn and is no longer valid."
                )
                % {"v": matched.version},
                lines,
            )
        if matched.is_superseded:
            return Verdict(
                False,
                _(
                    "An OLDER VERSION: this file is version %(v)s of the document, genuine when issued, but "
                    "superseded since: what it states has changed."
                )
                % {"v": matched.version},
                lines,
            )
        return Verdict(
            True,
            _("Genuine and current: this file is exactly the document (version %(v)s) the portal issued.")
            % {"v": matched.version},
            lines,
        )
    if result.signed and not result.sound:
        return Verdict(
            False, _("MODIFIED: this file was changed after it was signed. It is not the genuine document."), lines
        )
    if result.signed:
        return Verdict(
            False,
            _("Not this document: the file is signed, but it is not the document the portal stored for this code."),
            lines,
        )
    return Verdict(
        False,
        _(
            "Not the genuine document: the file is not signed and differs from the document the portal stored for "
            "this code (a copy that was changed, or another file)."
        ),
        lines,
    )
