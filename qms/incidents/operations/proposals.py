"""The quarter's improvement proposals (plan part IV), written by leadership."""

from qms.errors import Invalid
from qms.extensions import get_db
from qms.incidents.inputs import clean_text
from qms.incidents.models import IncidentQuarterNote
from qms.incidents.operations.timeline import user_id
from qms.models import log_event


def save_quarter_note(year, quarter, proposals, number="", user=None):
    if not (2000 <= int(year) <= 2100 and 1 <= int(quarter) <= 4):
        raise Invalid("Năm hoặc quý không hợp lệ. Invalid year or quarter.", "invalid_quarter")
    proposals = clean_text(proposals, "proposals", 5000, required=False)
    number = clean_text(number, "number", 40, required=False)
    with get_db().write() as s:
        note = s.get(IncidentQuarterNote, (int(year), int(quarter)))
        if note is None:
            note = IncidentQuarterNote(year=int(year), quarter=int(quarter))
            s.add(note)
        note.proposals = proposals
        note.number = number
        note.updated_by_id = user_id(user)
        log_event(s, "incident.proposals", f"Đề xuất quý {quarter}/{year}", {}, user_id(user))
    return {"year": int(year), "quarter": int(quarter), "proposals": proposals, "number": number}
