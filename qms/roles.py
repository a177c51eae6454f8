"""Who may do what: the roles, the named sets of them, and the one check every route,
page, socket handler and template uses."""

ADMIN = "admin"
LEADER = "leader"
OFFICER = "officer"
IT = "it"
DEVICE = "device"

ROLES = (ADMIN, LEADER, OFFICER, IT, DEVICE)
STAFF = (ADMIN, LEADER, OFFICER, IT)  # people; a device account is a kiosk or counter PC agent
COUNTER_STAFF = (OFFICER, LEADER, IT)  # work a counter, report incidents, reprint
LEADERSHIP = (LEADER,)  # switch modes, close incidents, read reports
TECHNICAL = (IT, LEADER)  # test printers, look after devices
DEVICES = (DEVICE,)


def may(role, allowed=()):
    """True when `role` may act under `allowed`: () means any staff role; admin passes every check."""
    if role == ADMIN:
        return True
    return role in (allowed or STAFF)
