"""A local SMTP relay for the e-mail tests: what the centre's mail server would receive."""

import threading


class Relay:
    """A local SMTP relay (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.arrived = threading.Event()
        from qms.liveserver import free_port

        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8")))
        self.arrived.set()
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
