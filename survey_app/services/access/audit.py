"""The audit log: who read comments or exported what, and when.

Detail holds identifiers and filters only, never comment text or contact details
(the log must not become a second copy of the personal data it protects).
"""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models import AuditLog


def record(user_id: int | None, action: str, commit: bool = True, **detail) -> AuditLog:
    """Add one row (`user_id` None for CLI actions); commits unless told not to."""
    row = AuditLog(user_id=user_id, action=action, detail=detail)
    db.session.add(row)
    if commit:
        db.session.commit()
    return row
