"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from survey_app.models.campaign import Campaign, CampaignFacility
from survey_app.models.feedback import CASE_STATES, CaseEvent, FeedbackCase
from survey_app.models.invitation import ApiKey, Invitation
from survey_app.models.job import Job
from survey_app.models.questionnaire import Questionnaire, QuestionnaireVersion
from survey_app.models.reference import (
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
from survey_app.models.response import (
    FACTOR_SLOTS,
    Answer,
    Comment,
    ImportBatch,
    Response,
    SubmissionId,
    response_factors,
)
from survey_app.models.rollup import response_cells
from survey_app.models.staff import AuditLog, LoginFailure, StaffScope, StaffSession, StaffUser
from survey_app.models.target import Plan, Target
from survey_app.models.types import utcnow

__all__ = [
    "CASE_STATES",
    "FACTOR_SLOTS",
    "Agency",
    "Answer",
    "ApiKey",
    "AuditLog",
    "Campaign",
    "CaseEvent",
    "CampaignFacility",
    "Comment",
    "Counter",
    "FeedbackCase",
    "ImportBatch",
    "Invitation",
    "Job",
    "Level",
    "LoginFailure",
    "Plan",
    "Procedure",
    "Questionnaire",
    "QuestionnaireVersion",
    "Response",
    "Sector",
    "SectorGroup",
    "StaffScope",
    "StaffSession",
    "StaffUser",
    "SubmissionId",
    "Target",
    "TransactionVolume",
    "agency_sectors",
    "counter_sectors",
    "response_cells",
    "response_factors",
    "utcnow",
]
