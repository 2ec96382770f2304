"""Rate limits of the public pages, per client address (see docs/citizen.md).

Many citizens share one address: a service centre's public Wi-Fi, a mobile
carrier's NAT. The limits on sending a form are therefore set for a busy counter,
not for one person, and still cap a script at a few responses a minute; the page
views are generous. A kiosk is one tablet for everyone at its counter.
"""

FORM_POST = "10 per minute;60 per hour"
KIOSK_POST = "20 per minute;300 per hour"
PAGE_GET = "120 per minute"
