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
# --- paper dossiers (Decree 13/2023/NĐ-CP): who sees a citizen's name and phone -------------
PERSONAL_DATA = (OFFICER, LEADER)  # receive, enter, return, call back; IT sees codes and counts
SUPPORT_TEAM = (OFFICER, LEADER)  # the Tổ hỗ trợ: ticks the assisted-service steps
INCIDENT_ALERTED = (IT, LEADER)  # see and hear a newly reported incident on any staff page


def may(role, allowed=()):
    """True when `role` may act under `allowed`: () means any staff role; admin passes every check."""
    if role == ADMIN:
        return True
    return role in (allowed or STAFF)
