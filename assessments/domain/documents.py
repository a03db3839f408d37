"""The printed documents: the governor's decree, award certificates, score recaps, champion reports.

Every document is built in two steps. First its *facts* — everything the PDF states, as plain JSON
(names, ranks, scores, number, date) — are read from the data; then the PDF is rendered from those
facts only (WeasyPrint, templates in ``templates/documents/``). The facts are stored with the document
and hashed (SHA-256 of canonical JSON), so that:

- issuing again with unchanged facts gives the same document (same code, no new version);
- changed facts make a new version and mark the earlier one superseded (kept, still verifiable);
- the public verification page shows exactly what the document states, nothing more.

The documents are official Indonesian texts: their wording is Indonesian whatever the UI language,
and dates always use Indonesian month names.
"""

import base64
import functools
import hashlib
import io
import json
import secrets
import textwrap
import threading
from datetime import date
from decimal import Decimal

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from num2words import num2words
from PIL import Image, ImageOps
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from assessments.domain import ranking, signing
from assessments.domain.awards import two_places
from assessments.domain.criteria import require_settings_editable
from assessments.models import Award, Decree, Document, Edition, ProvinceLetterhead
from districts.domain.images import ImageRules, clean_image
from districts.models import DistrictProfile

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
PAGE_SIZES = {"A4": "210mm 297mm", "F4": "215mm 330mm"}


# --- Indonesian formatting ----------------------------------------------------------------------


def tanggal(value):
    """'21 Desember 2022' — Indonesian month names whatever the active language."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def hari_tanggal(value):
    """'Senin, 12 Juni 2023' — the Indonesian day name and date."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{DAYS[value.weekday()]}, {tanggal(value)}"


def item_letter(n):
    """a, b, … z, aa, ab, … — the lettering of a decree's considerations and of the awards it pays."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
    return letters


def ordinal_word(n):
    """KESATU, KEDUA, … KESEPULUH, KESEBELAS … — the numbering of a decree's decisions (diktum)."""
    return "KESATU" if n == 1 else f"KE{num2words(n, lang='id').upper()}"


def rupiah(amount):
    """'Rp50.000.000,00' (Indonesian thousands separator and decimal comma)."""
    return "Rp" + f"{int(amount):,}".replace(",", ".") + ",00"


def rupiah_words(amount):
    return f"{num2words(int(amount), lang='id')} rupiah"


def stage_activity(stage_name):
    """'penilaian administrasi (desk)' — what the team did, without 'penilaian Penilaian …'."""
    name = stage_name.strip()
    first = name.split(" ", 1)[0].lower()
    if first in ("penilaian", "presentasi", "verifikasi", "tinjau", "wawancara", "pemeriksaan", "evaluasi"):
        return name[0].lower() + name[1:]
    return f"penilaian {name}"


# What a stage score is, by the edition's aggregation (the documents are Indonesian whatever the UI's language).
AGGREGATION_NOTES = {
    Edition.Aggregation.MEAN: "Nilai tahap: rata-rata nilai penilai.",
    Edition.Aggregation.MEDIAN: "Nilai tahap: median (nilai tengah) nilai penilai.",
    Edition.Aggregation.TRIMMED_MEAN: (
        "Nilai tahap: rata-rata nilai penilai tanpa nilai tertinggi dan terendah "
        "(dengan kurang dari 3 penilai: rata-rata biasa)."
    ),
    Edition.Aggregation.ZSCORE: (
        "Nilai tahap bukan rata-rata nilai penilai, melainkan nilai baku (skala 0–100): setiap nilai penilai "
        "diubah menjadi skor-z terhadap semua nilai yang diberikan penilai yang sama pada tahap itu (selisih "
        "dengan rata-rata penilai tersebut dibagi simpangan bakunya), lalu nilai tahap = 50 + 10 × rata-rata "
        "skor-z, dibatasi 0–100. Nilai 50 berarti setara rata-rata peserta tahap itu; tiap 10 poin di atas "
        "atau di bawah 50 berarti satu simpangan baku."
    ),
}


def final_score_note(facts):
    """How the final score ('nilai akhir') is made, in the document's words; '' for facts without the rule."""
    rule = facts.get("final_rule")
    if not rule:
        return ""
    if rule == Edition.FinalScore.LAST_STAGE:
        text = (
            f"Nilai akhir adalah nilai tahap terakhir ({facts.get('last_stage', '')}) saja; "
            "tahap sebelumnya menentukan kecamatan yang maju ke tahap berikutnya dan tidak dijumlahkan."
        )
    else:
        text = "Nilai akhir adalah jumlah nilai tiap tahap dikalikan bobot tahapnya (tahap tanpa nilai dihitung 0)."
    if facts.get("aggregation") == Edition.Aggregation.ZSCORE:
        text += " " + AGGREGATION_NOTES[Edition.Aggregation.ZSCORE]
    return text


def score_text(value):
    """'87,53' — two decimals with a decimal comma; '–' for none."""
    if value in (None, ""):
        return "–"
    return f"{Decimal(value):.2f}".replace(".", ",")


def weight_text(value):
    """'20' or '12,5' — a percentage weight without trailing zeros."""
    if value in (None, ""):
        return "–"
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def _two_places(value):
    """The score as a string for the facts (JSON), rounded as everywhere else."""
    rounded = two_places(value)
    return None if rounded is None else str(rounded)


# --- facts --------------------------------------------------------------------------------------


def confirmed_awards(edition):
    return (
        Award.objects.filter(category__edition=edition, confirmed_at__isnull=False)
        .select_related("category", "participant__district__regency")
        .order_by("category__order")
    )


def _decree_of(edition):
    try:
        decree = edition.decree
    except Decree.DoesNotExist:
        decree = None
    # A set-up copied from last year has no number nor date until this year's are entered.
    if decree is None or not decree.number or decree.date is None:
        raise ValidationError(_("Enter the decree's number, date and signatory first."))
    return decree


def print_facts(edition):
    """What every printed document of the edition shows besides its text: the province's emblem and
    letterhead (by their digests: a new image makes a new version) and whether it is an example."""
    look = (
        ProvinceLetterhead.objects.filter(province_id=edition.province_id)
        .values("emblem_digest", "letterhead_digest")
        .first()
    ) or {}
    return {
        "emblem": look.get("emblem_digest", ""),
        "letterhead": look.get("letterhead_digest", ""),
        "example": edition.is_demo,
    }


def edition_facts(edition):
    """What every document of the edition states about it (one query for its print marks)."""
    return {
        "edition": edition.name,
        "year": edition.year,
        "province": edition.province.name,
        "print": print_facts(edition),
    }


def _rule_facts(edition):
    """How the scores stated are made: the aggregation of the assessors' totals and the final score's rule."""
    last = edition.stages.order_by("-order").values_list("name", flat=True).first()
    return {"aggregation": edition.aggregation, "final_rule": edition.final_score, "last_stage": last or ""}


def _signing_facts(decree):
    return {
        "decree_number": decree.number,
        "place": decree.place,
        "date": decree.date.isoformat(),
        "signatory_office": decree.signatory_office,
        "signatory_name": decree.signatory_name,
    }


def _winner(award):
    district = award.participant.district
    return {
        "award": award.category.name,
        "rank": award.category.rank,
        "district": district.name,
        "regency": district.regency.name,
        "score": _two_places(award.final_score),
    }


def decree_facts(edition):
    decree = _decree_of(edition)
    awards = list(confirmed_awards(edition))
    if not awards:
        raise ValidationError(_("There are no confirmed awards yet."))
    winners = []
    for award in awards:
        winner = _winner(award)
        winner["amount"] = decree.amounts.get(award.category.name)
        winners.append(winner)
    return {
        "kind": Document.Kind.DECREE.value,
        **edition_facts(edition),
        **_signing_facts(decree),
        "title": decree.title,
        "considerations": list(decree.considerations),
        "legal_bases": list(decree.legal_bases),
        "page_size": decree.page_size,
        "winners": winners,
        **_rule_facts(edition),
    }


def certificate_facts(award, decree, edition=None, of_edition=None):
    """``of_edition``: the edition's ``edition_facts`` when many certificates are made at once (read once)."""
    edition = edition or award.category.edition
    return {
        "kind": Document.Kind.CERTIFICATE.value,
        **(of_edition or edition_facts(edition)),
        **_signing_facts(decree),
        **_winner(award),
        "aggregation": edition.aggregation,
    }


def recap_facts(stage):
    """A stage's recap: each participant's total per assessor, the stage score and rank."""
    edition = stage.edition
    rows = ranking.stage_ranking(stage)
    sheets = (
        ranking.with_totals(ranking.counted_sheets(stage=stage))
        .values("participant_id", "assessor_id", "assessor__full_name", "assessor__username", "total")
        .order_by()
    )
    totals, names = {}, {}
    for sheet in sheets:
        totals[(sheet["participant_id"], sheet["assessor_id"])] = sheet["total"]
        names[sheet["assessor_id"]] = sheet["assessor__full_name"] or sheet["assessor__username"]
    assessor_ids = sorted(names, key=lambda pk: (names[pk], pk))
    return {
        "kind": Document.Kind.RECAP.value,
        **edition_facts(edition),
        "aggregation": edition.aggregation,
        "stage": stage.name,
        "stage_order": stage.order,
        "date": stage.ends_on.isoformat() if stage.ends_on else None,
        "assessors": [names[pk] for pk in assessor_ids],
        "rows": [
            {
                "rank": row.rank,
                "district": row.participant.district.name,
                "regency": row.participant.district.regency.name,
                "totals": [_two_places(totals.get((row.participant.pk, pk))) for pk in assessor_ids],
                "score": _two_places(row.score),
            }
            for row in rows
        ],
    }


def champion_report_facts(award):
    """A winner's report: profile, innovations, and its scores by stage and aspect."""

    participant = award.participant
    district = participant.district
    explanation = ranking.explain(participant)
    profile = DistrictProfile.objects.filter(district=district).first()
    stages = []
    for item in explanation.stages:
        aspects = []
        for aspect in item.aspects:
            values = [line.aspects.get(aspect.pk) for line in item.sheets]
            values = [v for v in values if v is not None]
            mean = sum(values) / len(values) if values else None
            aspects.append({"name": aspect.name, "weight": _two_places(aspect.weight), "score": _two_places(mean)})
        stages.append(
            {
                "name": item.stage.name,
                "weight": _two_places(item.stage.weight),
                "score": _two_places(item.score),
                "sheets": item.n_sheets,
                "aspects": aspects,
            }
        )
    final = explanation.final
    return {
        "kind": Document.Kind.CHAMPION_REPORT.value,
        **edition_facts(participant.edition),
        **_rule_facts(participant.edition),
        **_winner(award),
        "final_rank": final.rank if final else None,
        "final_score": _two_places(final.score) if final else None,
        "profile": {
            "camat": profile.camat_name if profile else "",
            "address": profile.address if profile else "",
            "population": profile.population if profile else None,
            "area_km2": _two_places(profile.area_km2) if profile and profile.area_km2 else None,
            "description": profile.description if profile else "",
        },
        # The innovations the entry presented; without a choice, all the kecamatan's innovations.
        "innovations": list(
            (participant.presented_innovations.all() or district.innovations.all())
            .order_by("name")
            .values_list("name", flat=True)
        ),
        "stages": stages,
    }


# --- issuing ------------------------------------------------------------------------------------


def canonical_json(facts):
    return json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(facts):
    return hashlib.sha256(canonical_json(facts).encode()).hexdigest()


def new_code():
    """32 URL-safe characters (192 random bits): a code cannot be guessed."""
    return secrets.token_urlsafe(24)


@transaction.atomic
def issue(edition, kind, subject, facts, by, participant=None, stage=None, render=True):
    """The current document for ``subject`` stating ``facts``: the existing one if its facts are the same,
    else a new version (the earlier current one becomes superseded)."""
    digest = content_hash(facts)
    current = (
        Document.objects.select_for_update()
        .filter(edition=edition, subject=subject, status=Document.Status.CURRENT)
        .first()
    )
    if current is not None and current.content_hash == digest:
        document = current
    else:
        last = Document.objects.filter(edition=edition, subject=subject).aggregate(v=Max("version"))["v"] or 0
        if current is not None:
            current.status = Document.Status.SUPERSEDED
            current.superseded_at = timezone.now()
            current.save(update_fields=["status", "superseded_at"])
        document = Document.objects.create(
            edition=edition,
            kind=kind,
            subject=subject,
            participant=participant,
            stage=stage,
            version=last + 1,
            code=new_code(),
            content_hash=digest,
            facts=facts,
            created_by=by,
        )
    if render and not document.file:
        store_pdf(document, render_pdf([document]))
    return document


def _final_states(edition):
    if not edition.results_final:
        raise ValidationError(_("Documents of the winners can be printed once the results are final."))


def save_decree(decree, by):
    """Save the decree's set-up (number, title, date, signatory, amounts...) as entered by ``by``.

    Frozen at publication, like the edition's settings: the published decree is the one in force.
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=decree.edition_id)
        require_settings_editable(edition)
        decree.updated_by = by
        decree.full_clean()
        decree.save()
    return decree


def issue_decree(edition, by):
    """The current decree document: issued afresh while the results are final, and once published only
    the one in force again (never a second decree with other facts, e.g. another number)."""
    _final_states(edition)
    facts = decree_facts(edition)
    if edition.settings_frozen:
        current = Document.objects.filter(edition=edition, subject="decree", status=Document.Status.CURRENT).first()
        if current is not None and _decision(current.facts) != _decision(facts):
            raise ValidationError(
                _("The results are published: the decree in force is number %(number)s; no other decree can be issued.")
                % {"number": current.facts.get("decree_number")}
            )
    return issue(edition, Document.Kind.DECREE, "decree", facts, by)


# What a decree shows besides what it decides: its look and the notes explaining the scores.
PRESENTATION_KEYS = frozenset({"print", "aggregation", "final_rule", "last_stage"})


def _decision(facts):
    """What the decree decides (number, date, signatory, winners …): a published decree may be printed again
    with a new emblem or an explanatory note, never with another decision."""
    return content_hash({key: value for key, value in facts.items() if key not in PRESENTATION_KEYS})


def issue_certificate(award, by, render=True, decree=None):
    edition = award.category.edition
    _final_states(edition)
    if award.confirmed_at is None:
        raise ValidationError(_("This award is not confirmed yet."))
    facts = certificate_facts(award, decree or _decree_of(edition))
    return issue(
        edition,
        Document.Kind.CERTIFICATE,
        f"certificate:{award.category_id}",
        facts,
        by,
        participant=award.participant,
        render=render,
    )


def issue_champion_report(award, by):
    edition = award.category.edition
    _final_states(edition)
    if award.confirmed_at is None:
        raise ValidationError(_("This award is not confirmed yet."))
    return issue(
        edition,
        Document.Kind.CHAMPION_REPORT,
        f"report:{award.category_id}",
        champion_report_facts(award),
        by,
        participant=award.participant,
    )


def issue_recap(stage, by, render=True):
    edition = stage.edition
    if edition.in_setup:
        raise ValidationError(_("A score recap can be printed once the assessment has started."))
    return issue(edition, Document.Kind.RECAP, f"recap:{stage.pk}", recap_facts(stage), by, stage=stage, render=render)


@transaction.atomic
def withdraw(document, by, reason):
    if document.status == Document.Status.WITHDRAWN:
        raise ValidationError(_("This document is already withdrawn."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the withdrawal."))
    document.status = Document.Status.WITHDRAWN
    document.withdrawn_by = by
    document.withdrawn_at = timezone.now()
    document.withdrawal_reason = reason.strip()
    document.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    return document


# --- rendering ----------------------------------------------------------------------------------


def verification_url(code):
    return f"{settings.SITE_URL}{reverse('verify:document', args=[code])}"


# Pixels per module and the quiet zone's width in modules. 4 keeps the modules sharp where a viewer or a printer
# smooths a scaled-up image (at 1 or 2 the code blurs there); every code must scan at 120 dpi (test_document_printing).
QR_SCALE, QR_BORDER = 4, 2
_MODULE_SHADES = bytes([255]) + bytes(255)  # a module's value → its grey: 0 (light) white, any other (dark) black


def qr_data_uri(url):
    """The QR code of ``url`` as an 8-bit grey PNG. A PNG: WeasyPrint draws it faster than the SVG of the
    same code. A fixed mask pattern (any of the eight is valid; scanners read it from the code) skips
    segno's search for the best one, which took three quarters of the time of 666 certificates.

    Grey, drawn by Pillow, rather than segno's own PNG: segno writes a 1-bit palette image in pure Python,
    which WeasyPrint converts to RGB and encodes twice; a grey one it encodes once, as grey: a ninth fewer
    instructions per certificate (callgrind). The pixels are the same."""
    modules = segno.make(url, error="m", micro=False, mask=4).matrix
    side = len(modules)
    image = Image.frombytes("L", (side, side), b"".join(modules).translate(_MODULE_SHADES))
    image = ImageOps.expand(image, border=QR_BORDER, fill=255)
    image = image.resize((image.width * QR_SCALE, image.height * QR_SCALE), Image.Resampling.NEAREST)
    png = io.BytesIO()
    image.save(png, format="PNG")
    return _data_uri(png.getvalue())


@functools.cache
def emblem_data_uri():
    """The drawn emblem placeholder as an image: WeasyPrint loads an image URL once per document,
    whereas inline SVG would be parsed again on each of 666 certificate pages."""
    svg = render_to_string("documents/_emblem.svg").strip()
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def image_data_uri(field, digest=""):
    """The stored image as a data URI; with its ``digest``, read from the storage (maybe S3) once per
    process, since a replaced image has another digest."""
    if digest:
        return _stored_image_uri(field.storage, field.name, digest)
    with field.open("rb") as handle:
        return _data_uri(handle.read())


@functools.lru_cache(maxsize=8)
def _stored_image_uri(storage, name, digest):
    with storage.open(name, "rb") as handle:
        return _data_uri(handle.read())


def _data_uri(data):
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def look_of(edition_id):
    """The images and marks of the edition's documents: its province's emblem (else the placeholder),
    its letterhead (kop surat) image if any, and whether the documents are examples (a CONTOH watermark)."""
    edition = Edition.objects.filter(pk=edition_id).values("province_id", "is_demo").first()
    letterhead = ProvinceLetterhead.objects.filter(province_id=edition["province_id"]).first()
    return {
        "emblem": (
            image_data_uri(letterhead.emblem, letterhead.emblem_digest)
            if letterhead and letterhead.emblem
            else emblem_data_uri()
        ),
        "letterhead": (
            image_data_uri(letterhead.letterhead, letterhead.letterhead_digest)
            if letterhead and letterhead.letterhead
            else ""
        ),
        "example": edition["is_demo"],
    }


# --- the province's emblem and letterhead ---------------------------------------------------------

LETTERHEAD_MAX_BYTES = 2 * 1024 * 1024


def _letterhead_rules(name, max_side):
    return ImageRules(
        formats={"PNG": "png", "JPEG": "jpg"},
        max_bytes=LETTERHEAD_MAX_BYTES,
        max_pixels=25_000_000,
        max_side=max_side,
        name=name,
        too_large=gettext_lazy("The image may be at most 2 MB."),
        wrong_format=gettext_lazy("Upload a PNG or JPEG image."),
        unreadable=gettext_lazy("This file is not a PNG or JPEG image, or it is damaged."),
        jpeg_quality=90,
    )


# The same checks as the kecamatan's photos (districts.domain.images), with a document's own limits.
LETTERHEAD_RULES = {"emblem": _letterhead_rules("emblem", 800), "letterhead": _letterhead_rules("letterhead", 2400)}


def clean_letterhead_image(upload, kind):
    """The upload checked (a whole PNG or JPEG within the limits) and re-encoded, as a ``ContentFile``."""
    return clean_image(upload, LETTERHEAD_RULES[kind])


def letterhead_of(province):
    return ProvinceLetterhead.objects.filter(province=province).first() or ProvinceLetterhead(province=province)


@transaction.atomic
def save_letterhead(province, by, *, emblem=None, letterhead=None, remove_emblem=False, remove_letterhead=False):
    """Store the province's emblem and/or letterhead (checked images), or remove them (back to the
    placeholder / the text heading). Documents printed afterwards show them, as new versions."""
    record = letterhead_of(province)
    replaced = []  # the earlier files, deleted once the new record is committed
    for field, upload, remove in (("emblem", emblem, remove_emblem), ("letterhead", letterhead, remove_letterhead)):
        stored = getattr(record, field)
        if upload is not None:
            content = clean_letterhead_image(upload, field)
            digest = hashlib.sha256(content.read()).hexdigest()
            content.seek(0)
            if stored:
                replaced.append(stored.name)
            stored.save(content.name, content, save=False)
            setattr(record, f"{field}_digest", digest)
        elif remove and stored:
            replaced.append(stored.name)
            setattr(record, field, "")
            setattr(record, f"{field}_digest", "")
    record.updated_by = by
    record.save()
    storage = ProvinceLetterhead._meta.get_field("emblem").storage
    for name in replaced:
        transaction.on_commit(functools.partial(storage.delete, name))
    return record


def _label_lines(text, width=34):
    """An aspect's name in at most two lines of the chart (the second shortened only if it must be)."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
    return lines


def chart(stages, width=460):
    """Bars of the aspect scores (0–100) per stage, as numbers for the SVG in the report template.

    Labels are wrapped on two lines rather than cut; the value of a full bar stays inside the picture."""
    bars, y, label_width, value_space = [], 0, 190, 34
    bar_space = width - label_width - value_space
    for stage in stages:
        bars.append({"heading": stage["name"], "y": y + 14})
        y += 22
        for aspect in stage["aspects"]:
            value = float(aspect["score"] or 0)
            lines = _label_lines(aspect["name"])
            row_height = 18 if len(lines) == 1 else 26
            bar_y = y + (row_height - 18) / 2
            first_line_y = bar_y + 11 - (4.5 if len(lines) == 2 else 0)
            bars.append(
                {
                    "lines": [{"text": line, "y": round(first_line_y + 9 * i, 1)} for i, line in enumerate(lines)],
                    "y": bar_y,
                    "text_y": bar_y + 11,
                    "width": round(bar_space * value / 100, 1),
                    "value": score_text(aspect["score"]),
                    "value_x": label_width + round(bar_space * value / 100, 1) + 4,
                }
            )
            y += row_height
        y += 6
    ticks = [{"x": label_width + bar_space * t / 100, "label": str(t)} for t in (0, 25, 50, 75, 100)]
    return {"bars": bars, "height": y + 16, "width": width, "x0": label_width, "bar_space": bar_space, "ticks": ticks}


def _context(document, look):
    facts = document.facts
    context = {
        "f": facts,
        "code": document.code,
        "version": document.version,
        "url": verification_url(document.code),
        "qr": qr_data_uri(verification_url(document.code)),
        **look,
        "date_text": tanggal(facts["date"]) if facts.get("date") else "",
        "final_note": final_score_note(facts),
    }
    if document.kind == Document.Kind.DECREE:
        context.update(_decree_context(facts))
    elif document.kind == Document.Kind.VISIT_NOTICE:
        context["visit_date_text"] = hari_tanggal(facts["visit_date"])
    elif document.kind == Document.Kind.RECAP:
        context["day_name"] = DAYS[date.fromisoformat(facts["date"]).weekday()] if facts.get("date") else ""
        context["activity"] = stage_activity(facts["stage"])
        context["aggregation_note"] = AGGREGATION_NOTES.get(facts.get("aggregation"), "")
        context["rows"] = [
            {**row, "totals": [score_text(t) for t in row["totals"]], "score": score_text(row["score"])}
            for row in facts["rows"]
        ]
    elif document.kind == Document.Kind.CHAMPION_REPORT:
        profile = facts["profile"]
        context["chart"] = chart(facts["stages"])
        context["final_score"] = score_text(facts["final_score"])
        context["population"] = f"{profile['population']:,}".replace(",", ".") if profile["population"] else ""
        context["area"] = score_text(profile["area_km2"]) if profile["area_km2"] else ""
        # Stage weights only where the final score counts them (not when it is the last stage's score).
        context["stage_weights"] = facts.get("final_rule", Edition.FinalScore.WEIGHTED_STAGES) == (
            Edition.FinalScore.WEIGHTED_STAGES
        )
        context["aggregation_note"] = AGGREGATION_NOTES.get(facts.get("aggregation"), "")
        context["zscore"] = facts.get("aggregation") == Edition.Aggregation.ZSCORE
        context["stages"] = [
            {
                **s,
                "score": score_text(s["score"]),
                "weight": weight_text(s["weight"]) if context["stage_weights"] else "",
                "aspects": [
                    {**a, "score": score_text(a["score"]), "weight": weight_text(a["weight"])} for a in s["aspects"]
                ],
            }
            for s in facts["stages"]
        ]
    return context


def _decree_context(facts):
    winners = [{**w, "score_text": score_text(w["score"])} for w in facts["winners"]]
    paid = [
        {"award": w["award"], "figures": rupiah(w["amount"]), "words": rupiah_words(w["amount"])}
        for w in facts["winners"]
        if w.get("amount")
    ]
    for number, line in enumerate(paid, start=1):
        line["letter"] = item_letter(number)
    province = facts["province"]
    decisions = [
        f"Menetapkan Kecamatan sebagaimana tercantum dalam Lampiran Keputusan ini sebagai {_winner_title(facts)}.",
        (
            "Kepada Kecamatan sebagaimana dimaksud dalam Diktum KESATU diberikan Piagam Penghargaan "
            "dan uang pembinaan dengan rincian sebagai berikut:"
            if paid
            else "Kepada Kecamatan sebagaimana dimaksud dalam Diktum KESATU diberikan Piagam Penghargaan."
        ),
        f"Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Anggaran Pendapatan "
        f"dan Belanja Daerah Provinsi {province} Tahun Anggaran {facts['year']}.",
        "Keputusan Gubernur ini mulai berlaku pada tanggal ditetapkan.",
    ]
    return {
        "winners": winners,
        "decisions": [
            {"word": ordinal_word(i), "text": text, "paid": paid if i == 2 else None}
            for i, text in enumerate(decisions, start=1)
        ],
        "considerations": [
            {"letter": item_letter(number), "text": text}
            for number, text in enumerate(facts["considerations"], start=1)
        ],
        "page_size": PAGE_SIZES.get(facts["page_size"], PAGE_SIZES["F4"]),
    }


def _winner_title(facts):
    """'Juara Sinergitas …' from the decree's title ('Penetapan Juara …' → 'Juara …')."""
    title = facts["title"].strip().rstrip(".")
    for prefix in ("Penetapan ", "penetapan "):
        if title.startswith(prefix):
            return title[len(prefix) :]
    return title


TEMPLATES = {
    Document.Kind.DECREE: "documents/decree.html",
    Document.Kind.CERTIFICATE: "documents/certificates.html",
    Document.Kind.RECAP: "documents/recap.html",
    Document.Kind.CHAMPION_REPORT: "documents/champion_report.html",
    Document.Kind.VISIT_NOTICE: "documents/visit_notice.html",
}


def render_html(documents, look=None):
    """One HTML text for documents of one kind (certificates: one page each). ``look``: the edition's
    ``look_of``, when the caller read it already (a worker process renders without the database)."""
    kind = documents[0].kind
    look = look or look_of(documents[0].edition_id)
    if kind == Document.Kind.CERTIFICATE:
        pages = [_context(d, look) for d in documents]
        return render_to_string(TEMPLATES[kind], {"pages": pages, **look})
    return render_to_string(TEMPLATES[kind], _context(documents[0], look))


def _weasy(html):

    return HTML(string=html, base_url=str(settings.BASE_DIR))


_fonts = threading.local()


def font_config():
    """WeasyPrint's fonts, loaded once per process and thread (it is not thread-safe) and kept: a new
    FontConfiguration per document would load and measure every font again."""
    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def render_pdf(documents, look=None):
    return _weasy(render_html(documents, look)).write_pdf(font_config=font_config())


# A line in each face the documents use: rendering it once loads them into the process's fonts.
FONT_SAMPLE = (
    '<p style="font-family: Liberation Serif">a <b>b</b> <i>c</i></p>'
    '<p style="font-family: Liberation Sans"><b>d</b></p><p style="font-family: DejaVu Sans Mono">e</p>'
)


def load_templates():
    """Compile the document templates (Django's cached template loader keeps them) and the URL patterns
    of the verification address once, ahead of rendering: forked document workers inherit them."""
    for name in TEMPLATES.values():
        get_template(name)
    verification_url("-")


def load_fonts():
    """Load the documents' fonts into this process's (and thread's) FontConfiguration, ahead of its first
    document (a document worker process does it when it starts)."""
    HTML(string=FONT_SAMPLE).write_pdf(font_config=font_config())


def render_part(kind, pages, look):
    """The PDF of documents given as plain data, ``(facts, code, version)`` each, without the database:
    what a document worker process renders (printing.render_parts)."""
    return render_pdf([Document(kind=kind, facts=f, code=c, version=v) for f, c, v in pages], look)


def store_pdf(document, pdf_bytes):
    # Signed right before it is stored (unchanged without a signing certificate): what is kept is what is handed out.
    document.file.save("document.pdf", ContentFile(signing.sign(pdf_bytes)), save=False)
    document.save(update_fields=["file"])


def pdf_of(document):
    """The document's PDF, rendered from its stored facts if it has no file yet."""
    if not document.file:
        store_pdf(document, render_pdf([document]))
    with document.file.open("rb") as handle:
        return handle.read()


def file_name(document):
    names = {
        Document.Kind.DECREE: "keputusan-gubernur",
        Document.Kind.CERTIFICATE: "piagam",
        Document.Kind.RECAP: "rekapitulasi-nilai",
        Document.Kind.CHAMPION_REPORT: "laporan-juara",
        Document.Kind.VISIT_NOTICE: "surat-pemberitahuan-tinjau-lapang",
    }
    facts = document.facts
    who = facts.get("district") or (f"tahap-{facts['stage_order']}" if facts.get("stage_order") else "")
    parts = [names[document.kind], str(facts.get("year", "")), who, f"v{document.version}"]
    return "-".join(p.lower().replace(" ", "-") for p in parts if p) + ".pdf"


# --- verification -------------------------------------------------------------------------------


def figures_are_public(document):
    """Whether the public verification page may show what the document says of the results.

    Documents are printed once the results are final, which may be before the province publishes them.
    Until the edition is published, the page confirms the document (its kind, competition, number, date,
    signatory, that it is genuine and current) and nothing of its winners, ranks or scores; once
    published, those are public anyway and the page shows them as the document states them.
    """
    return document.edition.is_published


def verification_lines(document):
    """What the document states, as (label, value) pairs for the public verification page."""
    f = document.facts
    if not figures_are_public(document):
        f = {
            key: f[key]
            for key in ("edition", "decree_number", "date", "signatory_name", "signatory_office", "stage")
            if key in f
        }
    lines = [(_("Document"), document.get_kind_display()), (_("Competition"), f["edition"])]
    if f.get("decree_number"):
        lines.append((_("Decree number"), f["decree_number"]))
    if f.get("date"):
        lines.append((_("Date"), tanggal(f["date"])))
    if f.get("signatory_name"):
        lines.append((_("Signed by"), f"{f['signatory_office']}, {f['signatory_name']}"))
    if f.get("stage"):
        lines.append((_("Stage"), f["stage"]))
    if f.get("award"):
        lines.append((_("Award"), f["award"]))
        lines.append((_("Kecamatan"), f"{f['district']}, {f['regency']}"))
    if f.get("rank") or f.get("final_rank"):
        lines.append((_("Rank"), str(f.get("final_rank") or f.get("rank"))))
    if f.get("score") or f.get("final_score"):
        lines.append((_("Final score"), score_text(f.get("final_score") or f.get("score"))))
        if f.get("aggregation") == Edition.Aggregation.ZSCORE:
            lines.append(
                (
                    _("What the score is"),
                    _(
                        "A standard score on 0–100, not a mean of the assessors' totals: 50 is the average "
                        "participant of the stage, each 10 points above or below is one standard deviation."
                    ),
                )
            )
    return lines


def verification_rows(document):
    """The table a decree or recap states: its winners or its ranking (none before publication)."""
    f = document.facts
    if not figures_are_public(document):
        return []
    if document.kind == Document.Kind.DECREE:
        return [(w["award"], w["district"], w["regency"], score_text(w["score"])) for w in f["winners"]]
    if document.kind == Document.Kind.RECAP:
        return [(r["rank"] or "–", r["district"], r["regency"], score_text(r["score"])) for r in f["rows"]]
    return []


# --- jobs: many documents at once ---------------------------------------------------------------


def documents_of(edition):
    """Every document of the edition, newest version first within each subject."""
    return (
        Document.objects.filter(edition=edition)
        .select_related("participant__district", "stage", "created_by", "withdrawn_by")
        .order_by("kind", "subject", "-version")
    )
