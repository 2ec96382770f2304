"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from .campaign import Campaign, CampaignFacility
from .invitation import ApiKey, Invitation
from .questionnaire import QUESTIONNAIRE_KINDS, Questionnaire, QuestionnaireVersion
from .reference import (
    Agency,
    Counter,
    Level,
    Procedure,
    Sector,
    SectorGroup,
    TransactionVolume,
    agency_sectors,
    counter_sectors,
)
from .response import (
    CHANNELS,
    FACTOR_SLOTS,
    Answer,
    Comment,
    ImportBatch,
    Response,
    response_factors,
)
from .staff import ROLES, AuditLog, StaffScope, StaffUser
from .target import Plan, Target
from .types import utcnow

__all__ = [
    "CHANNELS",
    "FACTOR_SLOTS",
    "QUESTIONNAIRE_KINDS",
    "ROLES",
    "Agency",
    "Answer",
    "ApiKey",
    "AuditLog",
    "Campaign",
    "CampaignFacility",
    "Comment",
    "Counter",
    "ImportBatch",
    "Invitation",
    "Level",
    "Plan",
    "Procedure",
    "Questionnaire",
    "QuestionnaireVersion",
    "Response",
    "Sector",
    "SectorGroup",
    "StaffScope",
    "StaffUser",
    "Target",
    "TransactionVolume",
    "agency_sectors",
    "counter_sectors",
    "response_factors",
    "utcnow",
]
