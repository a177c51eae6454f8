"""JSON routes of printing: the kiosk's paper line, reprint, device status, the print agents.

Every job in an answer has the one shape of queries.job_dict.
"""

from flask import g, request

from qms.errors import Invalid, NotFound
from qms.roles import COUNTER_STAFF, DEVICES, TECHNICAL
from qms.web.routes import api_route

from . import queries
from .operations import agent, binding, reprint

REPRINT_BODY = {
    "type": "object",
    "properties": {
        "target": {
            "type": ["string", "null"],
            "maxLength": 46,
            "description": "'local' or a kiosk id; default: the ticket's kiosk agent, else local",
        }
    },
}
TEST_BODY = {
    "type": "object",
    "properties": {
        "target": {
            "type": ["string", "null"],
            "maxLength": 46,
            "description": "'local' or a kiosk id",
        }
    },
}
HELLO_BODY = {
    "type": "object",
    "properties": {
        "version": {"type": ["string", "null"], "maxLength": 40},
        "printer_url": {"type": ["string", "null"], "maxLength": 200},
        "profile": {"type": ["string", "null"], "maxLength": 20},
        "printer_state": {
            "type": ["string", "null"],
            "enum": ["ok", "failed", "unknown"],
            "description": "the agent's printer, from DLE EOT where it answers",
        },
        "printer_kind": {"type": ["string", "null"], "maxLength": 20},
        "printer_message": {"type": ["string", "null"], "maxLength": 300},
    },
}
ACK_BODY = {
    "type": "object",
    "required": ["claim_token", "status"],
    "properties": {
        "claim_token": {"type": "string", "maxLength": 40},
        "status": {"type": "string", "enum": ["printed", "failed"]},
        "error": {"type": ["string", "null"], "maxLength": 300},
        "kind": {
            "type": ["string", "null"],
            "maxLength": 20,
            "description": "printer fault: paper_out, cover_open, offline, error, config",
        },
        "retry": {
            "type": "boolean",
            "default": True,
            "description": "false: never offer this job again (e.g. maybe printed already)",
        },
    },
}


@api_route(
    "/tickets/<int:ticket_id>/print",
    summary="Paper status of a ticket for the kiosk: printing, printed, failed or none",
    tag="printing",
)
def ticket_print_status(ticket_id):
    status = queries.print_status(ticket_id)
    if status is None:
        raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
    return status


@api_route(
    "/tickets/<int:ticket_id>/reprint",
    ["POST"],
    summary="Print a ticket again (to its kiosk's printer, or the server's)",
    roles=COUNTER_STAFF,
    body=REPRINT_BODY,
    tag="printing",
    status=201,
    responses={404: "unknown ticket or printer", 409: "no printer or ticket finished"},
)
def reprint_ticket(ticket_id, data):
    return {"job": reprint.reprint(ticket_id, g.user, data.get("target"))}


@api_route(
    "/devices/printers",
    summary="Printers and print agents: state, queue depth, last error",
    roles=(),
    tag="printing",
)
def list_printers():
    return queries.devices_overview()


@api_route(
    "/devices/test-print",
    ["POST"],
    summary="Queue a sample ticket on a printer",
    roles=TECHNICAL,
    body=TEST_BODY,
    tag="printing",
    status=201,
)
def test_print(data):
    return {"job": reprint.print_sample(g.user, data.get("target"))}


@api_route(
    "/agents/<kiosk>/hello",
    ["POST"],
    summary="Print agent: register / heartbeat with its printer's state",
    roles=DEVICES,
    body=HELLO_BODY,
    tag="agents",
)
def agent_hello(kiosk, data):
    binding.require_kiosk(g.user, kiosk)
    return agent.agent_hello(kiosk, g.user, data)


@api_route(
    "/agents/<kiosk>/jobs/next",
    summary="Print agent: long-poll the next job (204 when none within ?wait= seconds)",
    roles=DEVICES,
    query={"wait": {"type": "integer", "minimum": 0, "maximum": 30, "default": 20}},
    tag="agents",
    responses={204: "no job within the wait"},
)
def agent_next_job(kiosk):
    binding.require_kiosk(g.user, kiosk)
    raw = request.args.get("wait", "20")
    try:
        wait = int(raw)
    except ValueError:
        raise Invalid("'wait' phải là số giây. 'wait' must be seconds.", "invalid_wait") from None
    if not 0 <= wait <= 30:
        raise Invalid("'wait' từ 0 đến 30. 'wait' must be 0..30.", "invalid_wait")
    job = agent.next_agent_job(kiosk, g.user, wait)
    if job is None:
        return "", 204
    return {"job": job}


@api_route(
    "/agents/<kiosk>/jobs/<int:job_id>/ack",
    ["POST"],
    summary="Print agent: report a job printed or failed",
    roles=DEVICES,
    body=ACK_BODY,
    tag="agents",
    responses={404: "unknown job", 409: "stale claim (the job was handed out again)"},
)
def agent_ack_job(kiosk, job_id, data):
    binding.require_kiosk(g.user, kiosk)
    return agent.ack_agent_job(
        kiosk,
        job_id,
        data["claim_token"],
        data["status"],
        error=data.get("error"),
        kind=data.get("kind"),
        retry=data.get("retry", True) is not False,
    )
