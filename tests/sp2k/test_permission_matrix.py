"""The permission matrix: every URL of the portal × every kind of visitor → allowed, refused or sent to login.

The URL list comes from the resolver, so a new view that is not in ``EXPECTED`` fails
``test_every_url_is_in_the_table`` with its name. Each line of ``EXPECTED`` gives, for the eleven
roles of ``ROLES`` in that order, one letter:

    o  allowed: 2xx, or a redirect that is the view's normal answer (not to the login page)
    l  sent to the login page (``accounts:login``)
    f  refused: 403 Forbidden (the object exists for the user, the permission says no)
    n  not found: 404 (the object does not exist for the user: above all, anything of another province)

The letters are grouped for reading: anonymous | camat A, camat B | regency admin of A's regency
(Banyuwangi), of another (Sidoarjo) | assessor assigned to A, assessor assigned to A with a conflict
(home regency Banyuwangi), assessor of the province outside the edition, assessor of Jawa Barat |
province admin of Jawa Timur, of Jawa Barat.

Provinces are separate tenants: every URL naming an edition or something of one (``EDITION_BOUND``)
answers 404 to Jawa Barat's admin and assessor, never 403, unless it is public (published results);
``test_another_province_gets_404_on_every_edition_url`` keeps the table to that.

The scenario: "SP2K Jawa Timur 2023" in ASSESSMENT with Rogojampi (A) and Taman (B), and the
example 2022 edition PUBLISHED. A row ``name`` is about the edition in assessment; ``name
[published]`` is the same URL for the published edition, where results, rankings and public evidence
open to everyone. Every request runs inside a transaction that is rolled back, so a POST that an
allowed role makes changes nothing for the next one.
"""

import copy
import functools
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

ROLES = (
    "anonymous",
    "camat_a",
    "camat_b",
    "regency_admin_a",
    "regency_admin_b",
    "assessor",
    "assessor_conflict",
    "assessor_outside",
    "assessor_other",
    "province_admin",
    "province_admin_other",
)

# The module's scenario lives in the test database (set up because of this mark).
pytestmark = pytest.mark.django_db

# Not part of the portal's own permission model, each for a stated reason.
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin: its own login and staff checks; the portal's rules give it to superusers only",
}
EXCLUDED_NAMES = {
    "set_language": "Django's language switch (i18n): a POST that only sets a cookie, open to everyone",
}

ALL = "o oo oo oooo oo"
NOT_FOUND = "n nn nn nnnn nn"  # to everyone, signed in or not
SIGNED_IN = "l oo oo oooo oo"
ANY_PROVINCE_ADMIN = "l ff ff ffff oo"  # each province admin in its own province
ACCOUNT_ADMIN = "l ff ff ffff on"  # camat A's account: its province admin only (not even camat A)
# Of the edition in assessment (Jawa Timur): its province admin only; refused (403) to the rest of the
# province, not found (404) for the assessors outside it and for Jawa Barat.
PROVINCE_ADMIN = "l ff ff ffnn on"
SHEET_ASSESSOR = "l ff ff ofnn fn"  # the assigned assessor's own sheet of A
STAGE_ASSESSOR = "l ff ff oonn fn"  # assessors with assignments at the stage
# Evidence of A: a refusal is a 404 too, so that no other kecamatan learns that an entry or file exists.
SEES_EVIDENCE = "l on on onnn on"  # A's own accounts, its regency, its province, its assigned assessor
OWN_EVIDENCE = "l on nn nnnn nn"  # camat (or operator) of A only
# The kecamatan's workspace (not bound to an edition)
OWN_KECAMATAN = "l of ff ffff ff"  # camat (or operator) of A only
SEES_KECAMATAN = "l of of ffff of"  # A's own accounts and those who oversee A: its regency and province

# URL name [variant]: letters for  anonymous | camat A, B | regency admin A, B | assessor, in conflict,
#                                  outside, of Jawa Barat | province admin Jawa Timur, Jawa Barat
EXPECTED = {
    "home": ALL,
    "dashboard": SIGNED_IN,
    "about": ALL,
    "healthz": ALL,
    "readyz": ALL,
    # accounts: Django's authentication views, then account management
    "accounts:login": ALL,  # a signed-in user is sent on to the dashboard
    "accounts:logout": ALL,
    "accounts:password_change": SIGNED_IN,
    "accounts:password_change_done": SIGNED_IN,
    "accounts:password_reset": ALL,
    "accounts:password_reset_done": ALL,
    "accounts:password_reset_confirm": ALL,  # an invalid link: the page says so
    "accounts:password_reset_complete": ALL,
    "accounts:user_list": ANY_PROVINCE_ADMIN,
    "accounts:user_create": ANY_PROVINCE_ADMIN,
    "accounts:bulk_create": ANY_PROVINCE_ADMIN,
    "accounts:user_detail": ACCOUNT_ADMIN,  # camat A's account: not even camat A manages it
    "accounts:user_update": ACCOUNT_ADMIN,
    "accounts:user_deactivate": ACCOUNT_ADMIN,
    "accounts:user_home_regency": ACCOUNT_ADMIN,  # the assessor's account: its province admin only
    # notices: each person reads and marks its own
    "notices:list": SIGNED_IN,
    "notices:mark_read": SIGNED_IN,
    # regions: public
    "districts:province_list": ALL,
    "districts:search": ALL,
    "districts:province_detail": ALL,
    "districts:regency_detail": ALL,
    "districts:district_detail": ALL,
    # the kecamatan's workspace (kecamatan A)
    "kecamatan:own": "l oo ff ffff ff",  # each camat is sent to its own kecamatan
    "kecamatan:profile": SEES_KECAMATAN,
    "kecamatan:profile_edit": OWN_KECAMATAN,
    "kecamatan:office_photo": SEES_KECAMATAN,
    "kecamatan:innovation_list": SEES_KECAMATAN,
    "kecamatan:innovation_add": OWN_KECAMATAN,
    "kecamatan:innovation_detail": SEES_KECAMATAN,  # the unpublished innovation
    "kecamatan:innovation_edit": OWN_KECAMATAN,
    "kecamatan:photo_add": OWN_KECAMATAN,
    "kecamatan:photo_delete": OWN_KECAMATAN,
    # the public catalogue of innovations
    "catalogue:list": ALL,
    "catalogue:detail": ALL,  # the published innovation
    "catalogue:detail [unpublished]": NOT_FOUND,
    "catalogue:photo": ALL,  # a photo of the published innovation
    "catalogue:photo [unpublished]": SEES_KECAMATAN,
    # editions and criteria
    "assessments:edition_list": "l ff oo oooo oo",  # outside assessor: an empty list; regency: its province
    "assessments:edition_create": ANY_PROVINCE_ADMIN,
    "assessments:edition_detail": "l ff ff oonn on",
    "assessments:edition_transition": PROVINCE_ADMIN,
    "assessments:edition_settings": PROVINCE_ADMIN,
    "assessments:edition_copy": PROVINCE_ADMIN,
    "assessments:edition_export": PROVINCE_ADMIN,
    "assessments:edition_delete": PROVINCE_ADMIN,
    "assessments:edition_import": PROVINCE_ADMIN,
    "assessments:stage_create": PROVINCE_ADMIN,
    "assessments:stage_criteria": PROVINCE_ADMIN,
    "assessments:stage_delete": PROVINCE_ADMIN,
    "assessments:stage_criteria_copy": PROVINCE_ADMIN,
    "assessments:aspect_create": PROVINCE_ADMIN,  # (sent back to the locked criteria page)
    "assessments:aspect_edit": PROVINCE_ADMIN,
    "assessments:aspect_delete": PROVINCE_ADMIN,
    "assessments:indicator_create": PROVINCE_ADMIN,
    "assessments:indicator_edit": PROVINCE_ADMIN,
    "assessments:indicator_delete": PROVINCE_ADMIN,
    # criteria open for comment: the province's regencies and kecamatan comment, its admin opens and closes
    "assessments:comment_rounds": "l oo oo ffff ff",
    "assessments:criteria_comments": "l oo oo ffnn on",  # no round: the page says so (writing: test_criteria_comments)
    "assessments:comment_round_open": PROVINCE_ADMIN,
    "assessments:comment_round_close": PROVINCE_ADMIN,
    # participants, assessors, assignments
    "assessments:participant_list": "l ff oo ffnn on",  # every regency admin of the province nominates
    "assessments:nominate": "l ff oo ffnn fn",
    "assessments:participant_decide": PROVINCE_ADMIN,
    "assessments:participant_bulk_decide": PROVINCE_ADMIN,
    "assessments:participant_enter": PROVINCE_ADMIN,  # (the page says nominations are not open)
    "assessments:nomination_withdraw": "l ff of ffnn fn",  # A's own regency admin (refused: not open)
    "assessments:assessor_list": PROVINCE_ADMIN,
    "assessments:assessor_add": PROVINCE_ADMIN,
    "assessments:assessor_remove": PROVINCE_ADMIN,
    "assessments:assignment_matrix": PROVINCE_ADMIN,
    "assessments:auto_assign": PROVINCE_ADMIN,
    "assessments:assessor_replacements": PROVINCE_ADMIN,
    "assessments:send_reminders": PROVINCE_ADMIN,
    "assessments:conflict_declare": "l ff ff oonn fn",  # the edition's assessors
    # score sheets (the assigned assessor's sheet of A)
    "assessments:my_sheets": "l ff ff oooo ff",
    "assessments:sheet": "l ff ff ofnn on",
    "assessments:sheet_worker": ALL,  # the sheet's service worker: a script, public like a static file
    "assessments:score_save": SHEET_ASSESSOR,
    "assessments:sheet_submit": SHEET_ASSESSOR,
    "assessments:stage_submit_all": STAGE_ASSESSOR,  # one's own sheets of the stage (the confirmation page)
    "assessments:sheet_reopen": PROVINCE_ADMIN,
    "assessments:sheet_open": SHEET_ASSESSOR,  # the conflicted assessor may not start a sheet of A
    "assessments:stage_progress": PROVINCE_ADMIN,
    "assessments:stage_excel_upload": STAGE_ASSESSOR,  # both have assignments at the stage
    "assessments:stage_excel_download": STAGE_ASSESSOR,
    "assessments:participant_history": PROVINCE_ADMIN,
    # rankings: the province admin before the results are final, everyone once published
    "assessments:stage_ranking": PROVINCE_ADMIN,
    "assessments:stage_ranking [published]": ALL,
    "assessments:stage_advance": PROVINCE_ADMIN,
    "assessments:stage_advance_revert": PROVINCE_ADMIN,
    "assessments:final_ranking": PROVINCE_ADMIN,
    "assessments:final_ranking [published]": ALL,
    "assessments:participant_explanation": PROVINCE_ADMIN,
    "assessments:participant_explanation [published]": ALL,
    # replaying the results from the score history: the province admin (the public page is under results)
    "assessments:results_verification": PROVINCE_ADMIN,
    "assessments:results_verification_start": PROVINCE_ADMIN,
    "assessments:results_verification_run": PROVINCE_ADMIN,  # the published edition's replay, run at publication
    # evidence of A (a file marked public: still private until the results are published)
    "assessments:evidence_home": "l oo ff ffff ff",
    "assessments:evidence_checklist": SEES_EVIDENCE,
    "assessments:evidence_upload": OWN_EVIDENCE,
    "assessments:evidence_submit": OWN_EVIDENCE,
    "assessments:entry_innovations": OWN_EVIDENCE,
    "assessments:evidence_extend": "l nn nn nnnn on",
    "assessments:evidence_download": SEES_EVIDENCE,
    "assessments:evidence_download [published]": ALL,  # a public file of the published edition
    "assessments:evidence_replace": OWN_EVIDENCE,
    "assessments:evidence_update": OWN_EVIDENCE,
    "assessments:evidence_withdraw": OWN_EVIDENCE,
    # evidence beside the score: A's file shown in the page (a PDF: still an attachment), a PDF's preview and
    # its first page as a PNG; A's whole evidence for the stage as one zip (its assessor and the province)
    "assessments:evidence_inline": SEES_EVIDENCE,
    "assessments:evidence_inline [published]": ALL,
    "assessments:evidence_preview": SEES_EVIDENCE,
    "assessments:evidence_preview [published]": ALL,
    "assessments:evidence_page": SEES_EVIDENCE,
    "assessments:evidence_page [published]": ALL,
    "assessments:evidence_zip": "l nn nn onnn on",
    # awards and publication
    "assessments:awards": PROVINCE_ADMIN,
    "assessments:award_defaults": PROVINCE_ADMIN,
    "assessments:award_category_add": PROVINCE_ADMIN,
    "assessments:award_category_edit": PROVINCE_ADMIN,
    "assessments:award_category_move": PROVINCE_ADMIN,
    "assessments:award_category_delete": PROVINCE_ADMIN,
    "assessments:award_choose": PROVINCE_ADMIN,
    "assessments:awards_confirm": PROVINCE_ADMIN,
    "assessments:awards_withdraw": PROVINCE_ADMIN,
    "assessments:publish": PROVINCE_ADMIN,
    "assessments:publication_withdraw": PROVINCE_ADMIN,
    # field visits (the field-visit stage of the edition in assessment, Rogojampi's visit)
    "assessments:stage_visits": PROVINCE_ADMIN,
    "assessments:visit_letter": PROVINCE_ADMIN,
    # documents (edition pages of the edition in assessment; issued files of the published one)
    "documents:edition": PROVINCE_ADMIN,
    "documents:decree_form": PROVINCE_ADMIN,
    "documents:letterhead": PROVINCE_ADMIN,
    "documents:issue": PROVINCE_ADMIN,
    "documents:job_start": PROVINCE_ADMIN,
    "documents:download": PROVINCE_ADMIN,
    "documents:withdraw": PROVINCE_ADMIN,
    "documents:job": PROVINCE_ADMIN,
    "documents:job_download": PROVINCE_ADMIN,
    "verify:document": ALL,  # the published edition's decree, by its code
    "verify:document [unknown]": NOT_FOUND,
    # public results and the open data API: nothing before publication, to anyone
    "results:history": ALL,
    "results:edition_results": NOT_FOUND,
    "results:edition_results [published]": ALL,
    "results:edition_verification": NOT_FOUND,
    "results:edition_verification [published]": ALL,
    "results:edition_csv": NOT_FOUND,
    "results:edition_csv [published]": ALL,
    "results:edition_xlsx": NOT_FOUND,
    "results:edition_xlsx [published]": ALL,
    "results:winner_photo": NOT_FOUND,
    "results:winner_photo [published]": ALL,
    "api:editions": ALL,
    "api:edition_results": NOT_FOUND,
    "api:edition_results [published]": ALL,
}

# POST-only views (405 to GET): the body each role posts. Invalid or refused by the service where
# possible; anything an allowed role does change is rolled back after its request.
POST_DATA = {
    "accounts:logout": {},
    "accounts:user_deactivate": {},
    "notices:mark_read": {},
    "kecamatan:photo_add": {},
    "kecamatan:photo_delete": {},
    "assessments:edition_transition": {},
    "assessments:nominate": {},
    "assessments:participant_decide": {},
    "assessments:participant_bulk_decide": {},
    "assessments:nomination_withdraw": {},
    "assessments:assessor_add": {},
    "assessments:assessor_remove": {},
    "assessments:auto_assign": {},
    "assessments:score_save": {},
    "assessments:sheet_reopen": {},
    "assessments:comment_round_open": {},
    "assessments:comment_round_close": {},
    "assessments:stage_advance": {},
    "assessments:stage_advance_revert": {},
    "assessments:evidence_upload": {},
    "assessments:evidence_extend": {},
    "assessments:entry_innovations": {},
    "assessments:evidence_replace": {},
    "assessments:evidence_update": {},
    "assessments:evidence_withdraw": {},
    "assessments:award_defaults": {},
    "assessments:award_category_add": {},
    "assessments:award_category_move": {},
    "assessments:award_choose": {},
    "assessments:awards_confirm": {},
    "assessments:awards_withdraw": {},
    "assessments:results_verification_start": {},
    # An empty kind is a 404 even for the admin; these kinds are refused (edition not final) instead.
    "documents:issue": {"kind": "decree"},
    "documents:job_start": {"kind": "certificates"},
    "documents:withdraw": {},
}

# Views that answer GET and POST, where the POST is the act that matters: also posted, same letters.
ALSO_POSTED = {
    "assessments:send_reminders": {},  # sends (once: the button then waits MANUAL_REMINDER_HOURS)
    "assessments:stage_visits": {},  # no row filled in: nothing planned
    "assessments:visit_letter": {},  # no number: the form asks for it
    "assessments:sheet_open": {},  # starting the sheet: refused to the conflicted assessor too
    "assessments:assessor_replacements": {},  # no fingerprint: nothing applied
    "accounts:user_home_regency": {},  # no regency chosen ("none" is the assessor's own): refused by the form
    "assessments:stage_submit_all": {},  # no sheet chosen: nothing submitted
    # Deletes: GET asks for confirmation (nothing deleted), POST deletes.
    "assessments:edition_delete": {},
    "assessments:stage_delete": {},
    "assessments:stage_criteria_copy": {},
    "assessments:aspect_delete": {},
    "assessments:indicator_delete": {},
    "assessments:award_category_delete": {},
}

# An allowed POST may still be a form error: the permission let it through.
POST_FORM_ERRORS = {400, 409, 422}


@functools.cache
def project_urls():
    """{"namespace:name": route} of every named URL pattern, namespaces joined as reverse() wants them."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
                yield from walk(pattern.url_patterns, route, inner)
            else:
                assert isinstance(pattern, URLPattern)
                name = pattern.name or f"<unnamed {route}>"  # cannot be reversed, nor put in the table
                yield (f"{namespace}:{name}" if namespace else name), route, pattern

    return {name: (route, pattern) for name, route, pattern in walk(get_resolver().url_patterns, "/", None)}


@functools.cache
def covered_urls():
    urls = project_urls()
    return {
        name: value
        for name, value in urls.items()
        if name.split(":")[0] not in EXCLUDED_NAMESPACES and name not in EXCLUDED_NAMES
    }


def base_name(key):
    return key.split(" [")[0]


def letters(key):
    value = EXPECTED[key].replace(" ", "")
    assert len(value) == len(ROLES) and set(value) <= set("olfn"), f"{key}: {EXPECTED[key]!r}"
    return value


# --- the scenario ---------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    media_root: object
    objects: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _user(username, role, **scope):
    from sp2k.accounts.models import User

    user = User(username=username, full_name=username.replace("-", " ").title(), role=role, **scope)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def _png(text):
    from tests.factories.files import png

    return ContentFile(png([text], size=(64, 40)), name="foto.png")


def _pdf_upload(text):
    from tests.factories.files import minimal_pdf

    return SimpleUploadedFile("bukti.pdf", minimal_pdf([text]), content_type="application/pdf")


def build_world(media_root):
    from assessments.domain import awards, documents, evidence, workflow
    from assessments.domain.assignments import add_assessor, assign_all
    from assessments.domain.configuration import create_edition
    from assessments.domain.scoring import open_sheet
    from assessments.domain.workflow import move_edition
    from assessments.models import (
        Assignment,
        Award,
        DocumentJob,
        Edition,
        FieldVisit,
        Indicator,
        Participant,
        ResultsVerification,
        StageAdvance,
    )
    from districts.models import District, DistrictProfile, Innovation, InnovationPhoto, Province, Regency
    from sp2k.accounts.models import Role
    from tests.factories import DecreeFactory, example_configuration, final_edition_with_scores

    # The regions are in the test database already (tests/conftest.py).
    jatim, jabar = Province.objects.get(code="35"), Province.objects.get(code="32")
    rogojampi, taman = District.objects.get(code="35.10.13"), District.objects.get(code="35.15.13")
    banyuwangi, sidoarjo, malang = (Regency.objects.get(code=c) for c in ("35.10", "35.15", "35.73"))
    users = {
        "anonymous": None,
        "camat_a": _user("camat-rogojampi", Role.CAMAT, district=rogojampi),
        "camat_b": _user("camat-taman", Role.CAMAT, district=taman),
        "regency_admin_a": _user("pemkab-banyuwangi", Role.REGENCY_ADMIN, regency=banyuwangi),
        "regency_admin_b": _user("pemkab-sidoarjo", Role.REGENCY_ADMIN, regency=sidoarjo),
        "assessor": _user("penilai-malang", Role.ASSESSOR, province=jatim, regency=malang),
        "assessor_conflict": _user("penilai-banyuwangi", Role.ASSESSOR, province=jatim, regency=banyuwangi),
        "assessor_outside": _user("penilai-lain", Role.ASSESSOR, province=jatim),
        "assessor_other": _user("penilai-jabar", Role.ASSESSOR, province=jabar),
        "province_admin": _user("panitia-jatim", Role.PROVINCE_ADMIN, province=jatim),
        "province_admin_other": _user("panitia-jabar", Role.PROVINCE_ADMIN, province=jabar),
    }
    admin, assessor, conflicted = users["province_admin"], users["assessor"], users["assessor_conflict"]
    w = World(users=users, media_root=media_root)

    # The edition in assessment, moved through the real workflow.
    edition = create_edition(jatim, "SP2K Jawa Timur 2023", 2023, example_configuration())
    move_edition(edition, Edition.State.NOMINATION, admin)
    now = timezone.now()
    a, b = (
        Participant.objects.create(
            edition=edition, district=d, status=Participant.Status.ACCEPTED, decided_by=admin, decided_at=now
        )
        for d in (rogojampi, taman)
    )
    add_assessor(edition, assessor)
    add_assessor(edition, conflicted)
    move_edition(edition, Edition.State.ASSESSMENT, admin)
    stage = edition.stages.order_by("order").first()
    assign_all(stage)  # leaves out the conflicted pair...
    Assignment.objects.create(stage=stage, assessor=conflicted, participant=a)  # ...assigned all the same
    indicators = Indicator.objects.filter(aspect__stage=stage, requires_evidence=True)
    indicator = indicators.order_by("aspect__order", "order")[0]
    sheet = open_sheet(stage, a, assessor)
    upload = _pdf_upload("Bukti Rogojampi")
    (evidence_file,), refused = evidence.add_files(a, indicator, [upload], "Bukti", users["camat_a"])
    assert not refused
    evidence_file.is_public = True  # public only once the results are published
    evidence_file.save(update_fields=["is_public"])
    awards.ensure_default_categories(edition)
    w.objects.update(
        edition=edition,
        a=a,
        stage=stage,
        aspect=indicator.aspect,
        indicator=indicator,
        sheet=sheet,
        evidence=evidence_file,
        category=edition.award_categories.order_by("order").first(),
        advance=StageAdvance.objects.create(from_stage=stage, count=1, by=admin),
        visit_stage=edition.stages.get(kind="field_visit"),
    )

    # Rogojampi's field visit (planned straight in the table: the stage has no entries yet).
    w.objects["visit"] = FieldVisit.objects.create(
        stage=w.visit_stage, participant=a, date=timezone.localdate(), starts_at="09:00", planned_by=admin
    )

    # Kecamatan A's profile (with its office photo) and innovations, one published.
    DistrictProfile.objects.create(district=rogojampi, office_photo=_png("Kantor Kecamatan Rogojampi"))
    innovations = {}
    for name, published in (("Sigap Rogojampi", True), ("Rancangan Rogojampi", False)):
        innovation = Innovation.objects.create(
            district=rogojampi,
            name=name,
            category=Innovation.Category.PUBLIC_SERVICE,
            problem="Antrean panjang",
            idea="Layanan daring",
            start_year=2021,
            is_published=published,
        )
        photo = InnovationPhoto.objects.create(innovation=innovation, image=_png(name))
        innovations[published] = (innovation, photo)
    w.objects.update(
        innovation=innovations[True][0],
        innovation_photo=innovations[True][1],
        draft_innovation=innovations[False][0],
        draft_photo=innovations[False][1],
    )

    # The published edition: 2022 results, awarded, published, with its decree printed.
    published = final_edition_with_scores(admin, [assessor, conflicted])
    awards.ensure_default_categories(published)
    awards.confirm_awards(published, admin)
    workflow.publish(published, admin)
    published.refresh_from_db()
    assert published.state == Edition.State.PUBLISHED
    DecreeFactory(edition=published)
    decree = documents.issue_decree(published, admin)
    job = DocumentJob.objects.create(edition=published, kind=DocumentJob.Kind.RECAPS, status=DocumentJob.Status.DONE)
    job.result.save("result.pdf", ContentFile(documents.pdf_of(decree)))
    published_a = Participant.objects.get(edition=published, district=rogojampi)
    desk = published.stages.order_by("order").first()
    public_file = evidence._store(
        published_a,
        Indicator.objects.filter(aspect__stage=desk, requires_evidence=True).first(),
        ContentFile(_pdf_upload("Bukti publik").read(), name="bukti.pdf"),
        evidence.inspect_file(_pdf_upload("Bukti publik"), 10**7),
        "Bukti publik",
        users["camat_a"],
    )
    public_file.is_public = True
    public_file.save(update_fields=["is_public"])
    w.objects.update(
        published=published,
        published_a=published_a,
        published_stage=desk,
        published_award=Award.objects.get(category__edition=published, participant=published_a),
        public_evidence=public_file,
        document=decree,
        job=job,
        verification=ResultsVerification.objects.get(edition=published),
    )
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end."""
    from django.db import connection

    # Never the development database: the test database must be in place.
    name = str(connection.settings_dict["NAME"])
    assert "memory" in name or name.startswith("test_"), name
    media_root = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        w = build_world(media_root)
        # One client per role, signed in once: each request is rolled back, the sessions stay.
        for role, user in w.users.items():
            w.clients[role] = Client(raise_request_exception=False)
            if user is not None:
                w.clients[role].force_login(user)
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def matrix_world(world, settings, media_in_a_temporary_folder):
    settings.MEDIA_ROOT = world.media_root  # the files stored while building the world
    return world


def url_kwargs(key, w):
    """The URL's kwargs, by name from the scenario, with the ambiguous ones per URL."""
    name, published = base_name(key), key.endswith("[published]")
    edition = w.published if published else w.edition
    per_url = {
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "bukan-token-yang-sah"},
        "accounts:user_detail": {"pk": w.users["camat_a"].pk},
        "accounts:user_update": {"pk": w.users["camat_a"].pk},
        "accounts:user_deactivate": {"pk": w.users["camat_a"].pk},
        "accounts:user_home_regency": {"pk": w.users["assessor"].pk},
        "districts:province_detail": {"code": "35"},
        "districts:regency_detail": {"code": "35.10"},
        "kecamatan:innovation_detail": {"pk": w.draft_innovation.pk},
        "kecamatan:innovation_edit": {"pk": w.draft_innovation.pk},
        "kecamatan:photo_add": {"pk": w.draft_innovation.pk},
        "kecamatan:photo_delete": {"pk": w.draft_innovation.pk, "photo": w.draft_photo.pk},
        "catalogue:detail": {"pk": (w.draft_innovation if "[unpublished]" in key else w.innovation).pk},
        "catalogue:photo": {"pk": (w.draft_photo if "[unpublished]" in key else w.innovation_photo).pk},
        "assessments:assessor_remove": {"user_pk": w.users["assessor"].pk},
        "documents:download": {"pk": w.document.pk},
        "documents:withdraw": {"pk": w.document.pk},
        "documents:job": {"pk": w.job.pk},
        "documents:job_download": {"pk": w.job.pk},
        "assessments:results_verification_run": {"pk": w.verification.pk},
        "verify:document": {"code": "tidak-dikenal" if "[unknown]" in key else w.document.code},
        "assessments:stage_visits": {"stage_pk": w.visit_stage.pk},
        "assessments:visit_letter": {"stage_pk": w.visit_stage.pk, "visit_pk": w.visit.pk},
    }
    by_name = {
        "edition_pk": edition.pk,
        "stage_pk": (w.published_stage if published else w.stage).pk,
        "participant_pk": (w.published_a if published else w.a).pk,
        "sheet_pk": w.sheet.pk,
        "aspect_pk": w.aspect.pk,
        "indicator_pk": w.indicator.pk,
        "category_pk": w.category.pk,
        "advance_pk": w.advance.pk,
        "award_pk": w.published_award.pk,
        "token": (w.public_evidence if published else w.evidence).token,
        "page": 1,
        "code": "35.10.13",
    }
    _route, pattern = covered_urls()[name]
    names = pattern.pattern.regex.groupindex
    given = per_url.get(name, {})
    return {kwarg: given[kwarg] if kwarg in given else by_name[kwarg] for kwarg in names}


def classify(response, post=False):
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        return "l" if urlsplit(response["Location"]).path == reverse("accounts:login") else "o"
    if 200 <= code < 300 or (post and code in POST_FORM_ERRORS):
        return "o"
    if code == 403:
        return "f"
    if code == 404:
        return "n"
    return str(code)


def ask(world, role, method, url, data=None):
    """One request as the role, in a transaction rolled back afterwards; the answer's letter."""
    client = world.clients[role]
    cookies = copy.deepcopy(client.cookies)  # a logout (or a new session) must not outlive the request
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        if method == "get" and response.status_code == 405:
            answer = "405"
        else:
            answer = classify(response, post=method == "post")
        if response.streaming:
            # Reading it to the end closes it the test client's way; response.close() would send
            # request_finished, whose close_old_connections() closes a connection inside a transaction.
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    client.cookies = cookies
    return answer, response.status_code


def fetch(world, role, url):
    """A GET as the role (rolled back like every request here): its status and its text."""
    client = world.clients[role]
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code, response.content.decode()


# --- the tests ------------------------------------------------------------------------------------


def test_every_url_is_in_the_table():
    urls = covered_urls()
    missing = sorted(f"{name} ({urls[name][0]})" for name in set(urls) - {base_name(key) for key in EXPECTED})
    stale = sorted(key for key in EXPECTED if base_name(key) not in urls)
    assert not missing, f"URLs without a line in EXPECTED (add their expected answers): {missing}"
    assert not stale, f"lines of EXPECTED that match no URL any more: {stale}"
    for key in EXPECTED:
        letters(key)


def test_every_post_only_view_has_a_post_body():
    post_only = {
        name
        for name, (_route, pattern) in covered_urls().items()
        if "get" not in getattr(getattr(pattern.callback, "view_class", None), "http_method_names", ["get"])
    }
    assert post_only == set(POST_DATA), (
        f"POST-only views without a POST_DATA body: {sorted(post_only - set(POST_DATA))}; "
        f"POST_DATA of views that answer GET: {sorted(set(POST_DATA) - post_only)}"
    )


# The URL kwargs that name an edition or something of one: such a URL is "edition-bound".
EDITION_KWARGS = {"edition_pk", "stage_pk", "participant_pk", "sheet_pk", "category_pk", "advance_pk", "token"}
OTHER_TENANT = ("province_admin_other", "assessor_other")


def is_edition_bound(name):
    _route, pattern = covered_urls()[name]
    kwargs = set(pattern.pattern.regex.groupindex)
    # The documents' own URLs name a Document or a DocumentJob of an edition by its pk.
    return bool(kwargs & EDITION_KWARGS) or (name.startswith("documents:") and "pk" in kwargs)


def test_another_province_gets_404_on_every_edition_url():
    """Jawa Barat's admin and assessor: 404 on every edition-bound line of the table, never 403.

    Only what is public to everyone (the published edition's results, rankings and public files)
    opens to them, as to anyone.
    """
    bound = [key for key in EXPECTED if is_edition_bound(base_name(key))]
    assert len(bound) > 60  # the edition pages, stages, sheets, evidence, awards, documents, results...
    wrong = []
    for key in bound:
        row = dict(zip(ROLES, letters(key), strict=True))
        public = set(row.values()) == {"o"}
        if not public and any(row[role] != "n" for role in OTHER_TENANT):
            wrong.append(f"{key}: {EXPECTED[key]}")
    assert not wrong, "edition-bound URLs that another province may reach or is refused (403):\n" + "\n".join(wrong)


def test_the_excluded_urls_exist():
    """The exclusions name real URLs (else they hide nothing and should go)."""
    names = set(project_urls())
    assert EXCLUDED_NAMES.keys() <= names
    assert all(any(n.startswith(f"{ns}:") for n in names) for ns in EXCLUDED_NAMESPACES)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_permission_matrix(key, matrix_world):
    world = matrix_world
    name = base_name(key)
    url = reverse(name, kwargs=url_kwargs(key, world))
    expected = letters(key)
    post_only = name in POST_DATA
    post_data = POST_DATA.get(name, ALSO_POSTED.get(name))
    wrong = []
    for role, letter in zip(ROLES, expected, strict=True):
        answer, status = ask(world, role, "get", url)
        # A POST-only view answers an allowed GET with 405 Method Not Allowed.
        wanted = ("405" if letter == "o" else letter) if post_only else letter
        if answer != wanted:
            wrong.append(f"GET {role}: expected {wanted}, got {answer} ({status})")
        if post_data is not None:
            answer, status = ask(world, role, "post", url, post_data)
            if answer != letter:
                wrong.append(f"POST {role}: expected {letter}, got {answer} ({status})")
    assert not wrong, f"{key} {url}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize(
    ("role", "url_name", "absent"),
    [
        ("province_admin_other", "accounts:user_list", "camat-rogojampi"),
        ("province_admin_other", "assessments:edition_list", "SP2K Jawa Timur 2023"),
        ("assessor_outside", "assessments:edition_list", "SP2K Jawa Timur 2023"),
        ("assessor_other", "assessments:edition_list", "SP2K Jawa Timur 2023"),
        ("camat_b", "assessments:evidence_home", "Rogojampi"),
        ("regency_admin_b", "assessments:participant_list", "Rogojampi"),
        ("assessor_conflict", "assessments:my_sheets", "START_SCORING_A"),
    ],
)
def test_pages_open_to_several_roles_show_each_only_its_own(role, url_name, absent, matrix_world):
    """Where the matrix lets a role in, the page still shows nothing of another tenant or kecamatan."""
    world = matrix_world
    if absent == "START_SCORING_A":  # no link to start scoring A for the assessor in conflict with it
        absent = reverse("assessments:sheet_open", args=[world.stage.pk, world.a.pk])
    status, content = fetch(world, role, reverse(url_name, kwargs=url_kwargs(url_name, world)))
    assert status == 200
    assert absent not in content
