"""Help requests: the kiosk's "Cần hỗ trợ" button calls the staff, who acknowledge it.

Writes in operations.py (request_help, acknowledge), reads and the one serializer in
queries.py, JSON routes in api.py. Socket.IO: realtime.py turns the signals into
"help_requested" (staff and every counter) and "help_acknowledged" (staff and displays).
"""


def init_app(app):
    from qms.help import api  # noqa: F401  (registers the /api/v1 routes)
