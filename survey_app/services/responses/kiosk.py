"""The kiosk's thank-you ticket: where the tablet is, and the second page's nonce.

A tap on a face stores a response at once (channel `kiosk`, the overall item only):
most people stop there, and the tablet must be ready for the next person. The
thank-you screen's address carries a signed ticket naming the counter, the sector
and the nonce of the "tell us more" grant (public/follow_up.py), nothing of the
answer. "Tell us more" then adds the other items to that same response
(services/responses/details.py), so one person is counted once.

The ticket is signed with SECRET_KEY, so a forged or altered one is refused, and
it is valid for TICKET_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from survey_app.errors import DomainError

TICKET_SECONDS = 15 * 60
SALT = "kiosk-thanks-v2"


class TicketRefused(DomainError):
    """The ticket is forged, altered or too old (`expired` says which)."""

    def __init__(self, expired: bool):
        super().__init__("ticket_expired" if expired else "ticket_invalid")
        self.expired = expired


@dataclass(frozen=True)
class Ticket:
    """What the kiosk's thank-you screen knows: where it was, and the grant's nonce."""

    counter_code: str
    sector_code: str | None
    nonce: str | None  # None once the second page is stored: nothing more to add


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_ticket(ticket: Ticket) -> str:
    return _serializer().dumps([ticket.counter_code, ticket.sector_code, ticket.nonce])


def read_ticket(text: str) -> Ticket:
    try:
        counter, sector, nonce = _serializer().loads(text, max_age=TICKET_SECONDS)
    except SignatureExpired as error:
        raise TicketRefused(expired=True) from error
    except (BadSignature, ValueError, TypeError) as error:
        raise TicketRefused(expired=False) from error
    return Ticket(counter, sector, nonce)
