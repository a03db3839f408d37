"""Who may do what in the competition. Each area adds its perms below its own heading."""

import rules

from assessments.domain.conflicts import has_conflict
from assessments.domain.evidence import is_current
from assessments.models import Assignment
from sp2k.accounts.rules import (
    is_admin_of_province,
    is_assessor,
    is_district_account,
    is_province_admin,
    is_regency_admin,
    is_superuser,
)


def _province_code(obj):
    """The province (tenant) an object of this app belongs to."""
    edition = getattr(obj, "edition", None) or getattr(getattr(obj, "stage", None), "edition", None) or obj
    return getattr(edition, "province_id", None)


@rules.predicate
def is_edition_admin(user, obj):
    """A province admin of the province the edition (or stage, participant, sheet...) belongs to."""
    return bool(obj is not None and is_province_admin(user) and user.province_id == _province_code(obj))


@rules.predicate
def is_edition_assessor(user, edition):
    return bool(edition is not None and is_assessor(user) and edition.assessors.filter(user=user).exists())


@rules.predicate
def is_sheet_assessor(user, sheet):
    return bool(sheet is not None and is_assessor(user) and sheet.assessor_id == user.pk)


@rules.predicate
def is_published(user, edition):

    return edition is not None and edition.is_published


manages_edition = is_superuser | is_edition_admin

# --- editions and their configuration ---
rules.add_perm("assessments.manage_editions", is_superuser | is_province_admin)
rules.add_perm("assessments.view_edition", manages_edition | is_edition_assessor)
rules.add_perm("assessments.change_edition", manages_edition)
# The competitions menu and list: admins of a province, assessors (their own editions only) and regency
# admins (their province's announced editions, each leading to its nominations).
rules.add_perm("assessments.view_edition_list", is_superuser | is_province_admin | is_assessor | is_regency_admin)
# Object: the Province (or its code) the new edition belongs to.
rules.add_perm("assessments.create_edition_in_province", is_superuser | is_admin_of_province)
rules.add_perm("assessments.move_edition", manages_edition)
# Object: the stage (its edition is the tenant).
rules.add_perm("assessments.change_criteria", manages_edition)


# --- sheets ---
@rules.predicate
def is_stage_assessor(user, stage):
    """An assessor with at least one assignment at the stage."""
    return bool(stage is not None and is_assessor(user) and stage.assignments.filter(assessor=user).exists())


rules.add_perm("assessments.view_my_sheets", is_assessor)
# Object: the stage; open_sheet() checks the assignment, conflicts and the stage's participants.
rules.add_perm("assessments.open_sheet", is_stage_assessor)
# Object: the sheet. Nobody but its assessor and the edition's province admin sees its scores.
rules.add_perm("assessments.view_sheet", is_sheet_assessor | manages_edition)
rules.add_perm("assessments.score_sheet", is_sheet_assessor)
rules.add_perm("assessments.submit_sheet", is_sheet_assessor)
rules.add_perm("assessments.reopen_sheet", manages_edition)
# Object: the stage.
rules.add_perm("assessments.view_stage_progress", manages_edition)
rules.add_perm("assessments.use_stage_excel", is_stage_assessor)
# Submit all of one's complete sheets of the stage at once (each through the single submission's rules).
rules.add_perm("assessments.submit_stage_sheets", is_stage_assessor)
# Object: the participant.
rules.add_perm("assessments.view_score_history", manages_edition)


# --- participants ---
@rules.predicate
def is_edition_regency_admin(user, edition):
    """A regency admin of a regency in the edition's province (nominations are for such admins)."""

    if edition is None or not is_regency_admin(user) or not user.regency_id:
        return False
    return user.regency_id[:2] == edition.province_id


# Object: the edition.
rules.add_perm("assessments.view_participants", manages_edition | is_edition_regency_admin)
rules.add_perm("assessments.nominate", is_edition_regency_admin)
rules.add_perm("assessments.decide_participant", manages_edition)
# The province admin enters participants itself, on behalf of a regency (the domain checks quota and state).
rules.add_perm("assessments.enter_participant", manages_edition)
# A regency admin withdraws its own regency's nomination (the domain checks whose and when).
rules.add_perm("assessments.withdraw_nomination", is_edition_regency_admin)
rules.add_perm("assessments.manage_assessors", manages_edition)
rules.add_perm("assessments.send_reminders", manages_edition)
rules.add_perm("assessments.declare_conflict", is_edition_assessor)


# --- ranking ---
@rules.predicate
def results_final(user, edition):
    """The edition's results are final (or published): assessors may then see the rankings."""

    return edition is not None and edition.results_final


# Object: the edition. Before FINAL only the province admin sees rankings; the public once PUBLISHED.
rules.add_perm("assessments.view_ranking", manages_edition | (results_final & is_edition_assessor) | is_published)
# Assessors' names beside their totals: the admin always, the edition's assessors once results are final.
rules.add_perm("assessments.view_assessor_names", manages_edition | (results_final & is_edition_assessor))
rules.add_perm("assessments.advance_stage", manages_edition)
# Object: the edition. Replaying its results from the score history (the public sees the published replay).
rules.add_perm("assessments.verify_results", manages_edition)


# --- evidence ---
def _evidence_participant(obj):
    """The participant an evidence object belongs to (a Participant or an EvidenceFile)."""
    return getattr(obj, "participant", None) if hasattr(obj, "sha256") else obj


@rules.predicate
def is_participant_district_account(user, obj):
    """The camat or operator of the participant's own kecamatan."""

    participant = _evidence_participant(obj)
    return bool(participant is not None and is_district_account(user) and user.district_id == participant.district_id)


@rules.predicate
def is_participant_regency_admin(user, obj):

    participant = _evidence_participant(obj)
    return bool(
        participant is not None and is_regency_admin(user) and user.regency_id == participant.district.regency_id
    )


# Object: the participant. Withdrawing a nomination: its own regency's admin (the domain checks state and time).
rules.add_perm("assessments.withdraw_participant", is_participant_regency_admin)


@rules.predicate
def is_participant_edition_admin(user, obj):
    participant = _evidence_participant(obj)
    return bool(participant is not None and is_edition_admin(user, participant.edition))


@rules.predicate
def is_participant_assessor(user, obj):
    """An assessor assigned to the participant at any stage of its edition, without a conflict of interest."""

    participant = _evidence_participant(obj)
    return bool(
        participant is not None
        and is_assessor(user)
        and Assignment.objects.filter(assessor=user, participant=participant).exists()
        and not has_conflict(user, participant)
    )


@rules.predicate
def is_public_evidence(user, evidence):
    """A file marked public, current, of an edition whose results are published."""

    return bool(
        evidence is not None
        and hasattr(evidence, "sha256")
        and evidence.is_public
        and evidence.participant.edition.is_published
        and is_current(evidence)
    )


sees_participant_evidence = (
    is_superuser
    | is_participant_edition_admin
    | is_participant_district_account
    | is_participant_regency_admin
    | is_participant_assessor
)
# Object: the participant (or a file of it).
rules.add_perm("assessments.view_evidence", sees_participant_evidence)
rules.add_perm("assessments.change_evidence", is_participant_district_account)
rules.add_perm("assessments.extend_evidence_deadline", is_superuser | is_participant_edition_admin)
# Object: the EvidenceFile.
rules.add_perm("assessments.download_evidence", sees_participant_evidence | is_public_evidence)


@rules.predicate
def is_entry_assessor(user, entry):
    """An assessor assigned to the stage entry's participant at that stage, without a conflict of interest."""

    return bool(
        entry is not None
        and is_assessor(user)
        and Assignment.objects.filter(
            assessor=user, stage_id=entry.stage_id, participant_id=entry.participant_id
        ).exists()
        and not has_conflict(user, entry.participant)
    )


# Object: the StageEntry (a participant at a stage). A kecamatan's whole evidence for the stage, as one zip.
rules.add_perm("assessments.download_stage_evidence", manages_edition | is_entry_assessor)
# Object: the edition. How many counted scores stand without the evidence their indicator requires.
rules.add_perm("assessments.view_evidence_flags", manages_edition)


@rules.predicate
def is_kecamatan_account(user):

    return bool(is_district_account(user))


# The "Data dukung" menu: kecamatan accounts.
rules.add_perm("assessments.view_my_evidence", is_kecamatan_account)


# --- results ---
# Object: the edition. Categories, choices among tied participants, confirmation, publication.
rules.add_perm("assessments.manage_awards", manages_edition)
# Object: the edition. Results pages, downloads and the API: everyone, once published (never before).
rules.add_perm("assessments.view_results", is_published)
# Object: the last EditionTransition of an edition. Its public results page, once the publication is withdrawn,
# says so with the reason and the date: everyone.
rules.add_perm(
    "assessments.view_publication_withdrawal",
    rules.predicate(lambda user, move: move is not None and move.is_publication_withdrawal),
)


# --- documents ---
# Object: the edition (or a Document / DocumentJob of it). Printing and downloading the official documents
# is for the province admin of the edition; anyone may verify a document through its code (no perm object).
rules.add_perm("assessments.manage_documents", manages_edition)


# --- criteria open for comment ---
@rules.predicate
def is_edition_commenter(user, edition):
    """A regency admin, camat or kecamatan operator of the edition's province (invited to comment on its
    draft criteria when the province opens them for comment)."""

    return bool(
        edition is not None
        and (is_regency_admin(user) or is_district_account(user))
        and user.scope_province_id == edition.province_id
    )


# Object: the edition. Opening and closing a comment round; reading the comments beside the criteria.
rules.add_perm("assessments.manage_comment_rounds", manages_edition)
rules.add_perm("assessments.view_criteria_comments", manages_edition)
# The page listing the open rounds of one's province (no object).
rules.add_perm("assessments.view_comment_rounds", is_regency_admin | is_district_account)
# Object: the edition. Its comment page (its criteria and one's own comments); writing them.
rules.add_perm("assessments.view_comment_round", is_edition_commenter | manages_edition)
rules.add_perm("assessments.comment_on_criteria", is_edition_commenter)


# --- field visits ---
# Object: the stage (its edition is the tenant). Planning and moving the visits, printing the notice letters.
rules.add_perm("assessments.plan_visits", manages_edition)
