"""The appointment slip: printed through the devices feature's job path on the ticket printer,
its bytes decoded back to an image, its QR back to the dossier's status page."""

import pytest
from PIL import Image

from print_agent.payload import slip_data
from printer_drivers import DummyTransport, get_profile, render_slip
from qms.devices.worker import LocalWorker

zxingcpp = pytest.importorskip("zxingcpp")


def decode_raster(stream):
    """ESC @ (GS v 0 …)+ feed/cut → the 1-bit image, read independently of the encoder."""
    assert stream[:2] == b"\x1b@"
    pos, rows, width = 2, [], None
    while stream[pos : pos + 3] == b"\x1dv0":
        x = stream[pos + 4] + 256 * stream[pos + 5]
        y = stream[pos + 6] + 256 * stream[pos + 7]
        width = x
        pos += 8
        rows += [stream[pos + r * x : pos + (r + 1) * x] for r in range(y)]
        pos += x * y
    assert rows, "no raster in the job"
    image = Image.new("1", (width * 8, len(rows)), 1)
    pixels = image.load()
    for yy, row in enumerate(rows):
        for xb, byte in enumerate(row):
            for bit in range(8):
                if byte & (0x80 >> bit):
                    pixels[xb * 8 + bit, yy] = 0
    return image, stream[pos:]


def qr_texts(image):
    big = image.convert("L").resize((image.width * 2, image.height * 2), Image.NEAREST)
    padded = Image.new("L", (big.width + 80, big.height + 80), 255)
    padded.paste(big, (40, 40))
    return [r.text for r in zxingcpp.read_barcodes(padded)]


@pytest.fixture
def printer(app):
    app.config["PRINTER"] = "dummy"
    dummy = DummyTransport()
    app.extensions["qms"].printer_transport = dummy
    return dummy


def test_slip_prints_on_the_ticket_printer_and_its_qr_opens_the_status_page(
    app, client, officer, printer, clock, tmp_path
):
    clock("2026-11-23T09:15:00")
    created = client.post(
        "/api/v1/paper-dossiers",
        json={
            "citizen_name": "Nguyễn Thị Ánh Tuyết",
            "procedure": "Đăng ký khai sinh",
            "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh (bản chính)"],
            "appointment_date": "2026-11-27",
            "print_slip": True,
        },
        headers=officer["headers"],
    )
    assert created.status_code == 201
    dossier = created.get_json()
    assert dossier["slip"]["status"] == "queued" and dossier["slip"]["target"] == "local"
    assert LocalWorker(app).step()["action"] == "printed"

    image, tail = decode_raster(bytes(printer.output))
    assert tail.startswith(b"\x1bd")  # feed, then the cut of the profile
    assert image.width == get_profile("80mm").width_dots
    assert qr_texts(image) == [dossier["status_url"]]
    status = client.get(dossier["status_url"].replace("http://qms.test", ""))
    assert status.status_code == 200 and dossier["code"] in status.get_data(as_text=True)

    # what the printer got is exactly the slip the layout draws from the job's payload
    from qms.devices.models import PrintJob
    from qms.extensions import get_db

    with get_db().read() as s:
        [job] = s.query(PrintJob).all()
        payload, kind = dict(job.payload), job.kind
    assert kind == "slip"
    assert payload["code"] == dossier["code"]
    assert payload["citizen_name"] == "Nguyễn Thị Ánh Tuyết"
    assert payload["received_at"] == "2026-11-23T09:15:00"
    assert payload["appointment_date"] == "2026-11-27"
    assert payload["officer"] == officer["username"]
    drawn = render_slip(slip_data(payload), 576)
    assert drawn.tobytes() == image.tobytes()
    image.save(tmp_path / "slip.png")


def test_slip_without_a_printer_is_a_409_and_the_dossier_stays(client, officer):
    created = client.post(
        "/api/v1/paper-dossiers",
        json={"citizen_name": "Lê Văn Cường", "procedure": "Chứng thực chữ ký", "print_slip": True},
        headers=officer["headers"],
    ).get_json()
    assert created["slip"]["status"] == "unavailable"
    assert "QMS_PRINTER" in created["slip"]["message"]
    again = client.post(f"/api/v1/paper-dossiers/{created['id']}/slip", headers=officer["headers"])
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "no_printer")
    page = client.get(f"/api/v1/paper-dossiers/{created['id']}", headers=officer["headers"])
    assert page.get_json()["status"] == "received"
