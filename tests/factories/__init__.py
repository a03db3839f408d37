"""factory_boy factories of the suite's data, the suite's own example criteria, and small valid files.

Regions are real (loaded once per test database, see ``tests/conftest.py``): the region factories look
a province, regency or kecamatan up by code. Nothing here uses the demo data builders of ``sp2k.demo``.
"""

from tests.factories.accounts import (
    PASSWORD,
    ROLE_FACTORIES,
    AssessorFactory,
    CamatFactory,
    OperatorFactory,
    ProvinceAdminFactory,
    RegencyAdminFactory,
    UserFactory,
)
from tests.factories.assessments import (
    AspectFactory,
    AssignmentFactory,
    AwardCategoryFactory,
    AwardFactory,
    ConfiguredEditionFactory,
    ConflictFactory,
    DecreeFactory,
    EditionAssessorFactory,
    EditionFactory,
    IndicatorFactory,
    ParticipantFactory,
    RubricIndicatorFactory,
    RubricLevelFactory,
    ScoreFactory,
    ScoreSheetFactory,
    StageEntryFactory,
    StageFactory,
)
from tests.factories.criteria import WINNER_CODES, example_configuration
from tests.factories.regions import DistrictFactory, ProvinceFactory, RegencyFactory
from tests.factories.scenarios import final_edition_with_scores

__all__ = [
    "PASSWORD",
    "ROLE_FACTORIES",
    "WINNER_CODES",
    "AspectFactory",
    "AssessorFactory",
    "AssignmentFactory",
    "AwardCategoryFactory",
    "AwardFactory",
    "CamatFactory",
    "ConfiguredEditionFactory",
    "ConflictFactory",
    "DecreeFactory",
    "DistrictFactory",
    "EditionAssessorFactory",
    "EditionFactory",
    "IndicatorFactory",
    "OperatorFactory",
    "ParticipantFactory",
    "ProvinceAdminFactory",
    "ProvinceFactory",
    "RegencyAdminFactory",
    "RegencyFactory",
    "RubricIndicatorFactory",
    "RubricLevelFactory",
    "ScoreFactory",
    "ScoreSheetFactory",
    "StageEntryFactory",
    "StageFactory",
    "UserFactory",
    "example_configuration",
    "final_edition_with_scores",
]
