"""Electronic signatures on the documents the portal issues (PAdES, with pyHanko).

The province's signing certificate is a PKCS#12 file and its passphrase named in the settings
(``SIGNING_PKCS12_PATH``, ``SIGNING_PKCS12_PASSPHRASE``); one certificate for the deployment (one per
province would be a setting keyed by province, later). Signatures are PAdES B-B: the signing time is the
signer's own claim, not a time-stamp authority's (B-T would need a TSA reachable from the server, which the
portal does not assume). A deployment without a certificate signs nothing and says so on the documents page;
a certificate that cannot be read is logged and the document is stored unsigned: a document is never refused
for want of a signature.

What a verification trusts: the certificates in ``SIGNING_TRUST_ROOTS`` (PEM or DER files, e.g. the root CA
of BSrE), or else the self-signed certificates inside the PKCS#12 file (the demo's certificate authority).
"""

import hashlib
import io
import logging
import os
from dataclasses import dataclass, field

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf.generic import ArrayObject, NameObject

logger = logging.getLogger(__name__)

FIELD_NAME = "SP2K"
# Written into the signature itself (read by any PDF reader), so in the documents' own language.
REASON = "Dokumen resmi Sinergitas Penyelenggaraan Pemerintahan di Kecamatan (SP2K)"

# One loaded signer per process, keyed by what it was loaded from (a changed file or setting reloads it).
_loaded = {}
# The room its signatures take in a PDF, learnt from its first one: pyHanko otherwise makes a dry-run
# signature before each real one to measure it (half the signing time).
_room = {}


@dataclass(frozen=True)
class SignerState:
    """Whether documents get signed, and by whom (what the documents page says)."""

    configured: bool
    signer: object = None
    name: str = ""
    trust_roots: tuple = ()

    @property
    def ready(self):
        return self.signer is not None

    @property
    def trust_key(self):
        """A fingerprint of the trust roots: a signature checked against other roots must be checked again."""
        return digest(b"".join(root.dump() for root in self.trust_roots))


def _settings():
    path = getattr(settings, "SIGNING_PKCS12_PATH", "") or ""
    passphrase = getattr(settings, "SIGNING_PKCS12_PASSPHRASE", "") or ""
    roots = tuple(getattr(settings, "SIGNING_TRUST_ROOTS", ()) or ())
    return path, passphrase, roots


def _mtime(path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _read_certificates(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def _subject_name(certificate):
    names = certificate.subject.native
    return names.get("common_name") or names.get("organization_name") or certificate.subject.human_friendly


def state():
    """The deployment's signer, loaded once per process (``SignerState``)."""
    path, passphrase, roots = _settings()
    if not path:
        return SignerState(configured=False)
    key = (path, passphrase, roots, _mtime(path), tuple(_mtime(r) for r in roots))
    if key not in _loaded:
        _loaded.clear()
        _room.clear()
        _loaded[key] = _load(path, passphrase, roots)
    return _loaded[key]


def _load(path, passphrase, roots):
    try:
        signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase.encode() if passphrase else None)
        if signer is None:
            raise ValueError("unreadable PKCS#12 file")
        if roots:
            trusted = [cert for root in roots for cert in _read_certificates(root)]
        else:
            trusted = [cert for cert in signer.cert_registry if cert.self_signed]
    except (OSError, ValueError) as error:
        # Logged for the administrator; documents go on being issued, unsigned (and the page says so).
        logger.error("The signing certificate %s cannot be used: %s", path, error)
        return SignerState(configured=True)
    return SignerState(
        configured=True, signer=signer, name=_subject_name(signer.signing_cert), trust_roots=tuple(trusted)
    )


def status_text():
    """One sentence for the documents page: whether and by whom the documents are signed."""
    current = state()
    if current.ready:
        return _("Documents are signed electronically (PAdES) with the certificate of %(name)s.") % {
            "name": current.name
        }
    if current.configured:
        return _("Not signed electronically: the signing certificate cannot be read (see the server log).")
    return _("Not signed electronically: no signing certificate has been installed.")


def sign(pdf_bytes, location=""):
    """The PDF signed with the deployment's certificate, or unchanged when there is none."""
    current = state()
    if not current.ready:
        return pdf_bytes
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=REASON,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        room = _room.get(id(current.signer))
        signed = signers.sign_pdf(writer, meta, signer=current.signer, bytes_reserved=room).getvalue()
        if room is None:
            # The hex string reserved for the signature: twice the bytes of /Contents as read back.
            [signature] = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures
            _room[id(current.signer)] = 2 * len(signature.sig_object.raw_get("/Contents").original_bytes)
        return signed
    except (PdfError, SigningError, ValueError) as error:
        logger.error("A document could not be signed and is stored unsigned: %s", error)
        return pdf_bytes


def strip_signatures(writer):
    """Remove the signatures copied into a pypdf writer with signed documents' pages (a bundle of them).

    Copied, they no longer match the bytes they signed: a reader would show them broken. The bundle is
    signed as a whole instead.
    """
    writer._root_object.pop(NameObject("/AcroForm"), None)  # noqa: SLF001 - pypdf has no public setter
    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is None:
            continue
        kept = [a for a in annotations.get_object() if a.get_object().get("/FT") != "/Sig"]
        if kept:
            page[NameObject("/Annots")] = ArrayObject(kept)
        else:
            del page[NameObject("/Annots")]
    return writer


def digest(data):
    return hashlib.sha256(data).hexdigest()


@dataclass
class SignatureCheck:
    """What pyHanko's validator says about one signature of a PDF."""

    signer: str
    signed_at: object
    intact: bool
    trusted: bool
    whole_file: bool

    @property
    def sound(self):
        return self.intact and self.trusted and self.whole_file


@dataclass
class PdfCheck:
    """A PDF's signatures, checked against the deployment's trust roots."""

    readable: bool = True
    signatures: list = field(default_factory=list)

    @property
    def signed(self):
        return bool(self.signatures)

    @property
    def sound(self):
        """Signed, and every signature intact, trusted and covering the whole file."""
        return self.signed and all(s.sound for s in self.signatures)


def check(pdf_bytes, trust_roots=None):
    """Validate every signature in a PDF (``PdfCheck``); nothing is fetched from the network."""
    roots = list(state().trust_roots if trust_roots is None else trust_roots)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError):
        return PdfCheck(readable=False)
    result = PdfCheck()
    for signature in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(signature, context)
        except Exception:  # noqa: BLE001 - a malformed signature is a broken one, whatever pyHanko raises
            result.signatures.append(SignatureCheck("", None, intact=False, trusted=False, whole_file=False))
            continue
        result.signatures.append(
            SignatureCheck(
                signer=_subject_name(status.signing_cert) if status.signing_cert else "",
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            )
        )
    return result
