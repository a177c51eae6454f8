"""Satisfaction ratings: one per finished ticket, from the phone, the counter-side tablet,
the rating pad or the kiosk, within a window after the ticket finished.

Writes in operations.py (rate, rate_last_finished), reads and the one rating serializer in
queries.py, JSON routes in api.py.
"""


def init_app(app):
    from qms.ratings import api  # noqa: F401  (registers the /api/v1 routes)
