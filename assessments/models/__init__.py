"""The competition's data, one module per concept.

Models hold data and their invariants (``clean``, database constraints) and the state predicates the
rest of the portal asks; every write and every rule of the competition lives in ``assessments.domain``.
"""

from assessments.models.assessors import Assignment, Conflict, EditionAssessor
from assessments.models.awards import Award, AwardCategory, AwardWithdrawal, PublishedResult, PublishedStageScore
from assessments.models.comments import COMMENT_MAX_LENGTH, CommentRound, CriterionComment
from assessments.models.criteria import Aspect, Indicator, RubricLevel
from assessments.models.documents import Decree, Document, DocumentJob, ProvinceLetterhead, _document_file_path
from assessments.models.editions import WEIGHT_VALIDATORS, Edition, EditionTransition, Stage
from assessments.models.evidence import (
    EntryEvent,
    EntrySubmission,
    EvidenceFile,
    evidence_upload_to,
    new_evidence_token,
)
from assessments.models.participation import Participant, StageAdvance, StageEntry
from assessments.models.sheets import (
    ReminderLog,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetAspectTotal,
    SheetEvent,
    StageStats,
)
from assessments.models.verification import PublishedHistory, PublishedSheetHead, ResultsVerification
from assessments.models.visits import FieldVisit, FieldVisitChange
