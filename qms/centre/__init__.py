"""The centre itself: its calendar, the centre-wide pause of reception, its own settings
(names, address, hotline, announcement, kiosk texts, priority policy) stored in the database
and laid over the configuration, and the audit log leadership reads.

Issuing and the board read the calendar and the pause through core qms.calendar.
"""


def init_app(app):
    from qms.centre import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        settings,
    )

    settings.install(app)
