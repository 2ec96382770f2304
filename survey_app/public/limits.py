"""Rate limits of the public pages, per client address (see docs/citizen.md).

Many citizens share one address: a service centre's public Wi-Fi, a mobile
carrier's NAT. The limits on sending a form are therefore set for a busy counter,
not for one person, and still cap a script at a few responses a minute; the page
views are generous. A kiosk is one tablet for everyone at its counter.
"""

from flask import current_app, request

from survey_app.extensions import limiter

FORM_POST = "10 per minute;60 per hour"
KIOSK_POST = "20 per minute;300 per hour"
PAGE_GET = "120 per minute"


def place_limit() -> str:
    """Per place, across all addresses (services/device_marks.py marks repeats, this
    caps volume): a botnet spread over many addresses still adds at most this much to
    one counter's or facility's figures. The default (30 a minute, 300 an hour) is far
    above a busy provincial counter's few hundred people a day."""
    return current_app.config["PLACE_RATE_LIMIT"]


def place_bucket() -> str:
    """The limiter key of an open survey's place: its counter code or facility link code."""
    args = request.view_args or {}
    if args.get("counter_code"):
        return "place:c:" + args["counter_code"][:80]
    return "place:s:" + (args.get("code") or "")[:80]


# One bucket per place for every anonymous way of adding a response to it: the
# counter's form with or without a sector in the path, its kiosk, a campaign's link.
# A limit of its own per route would let each route add the same again.
place_cap = limiter.shared_limit(place_limit, scope="place", methods=["POST"],
                                 key_func=place_bucket)
