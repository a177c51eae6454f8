"""`qms serve`: gunicorn, one process with the threaded worker, background loops inside it."""

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options, config_overrides=None):
        self.options = options
        self.config_overrides = config_overrides
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from qms import background, create_app

        app = create_app({**(self.config_overrides or {}), "START_BACKGROUND": True})
        background.start(app)
        self._app = app
        return app


def lan_addresses():
    """This machine's IPv4 addresses other than loopback (for kiosks, TVs, counters)."""
    import socket

    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({info[4][0] for info in infos if not info[4][0].startswith("127.")})


def run(host, port, threads, config_overrides=None):
    from qms import background

    def worker_exit(server, worker):
        app = getattr(server.app, "_app", None)
        if app is not None:
            background.stop(app)

    def when_ready(server):
        base = f"http://{'localhost' if host in ('0.0.0.0', '::') else host}:{port}"
        lan = [f"http://{ip}:{port}" for ip in lan_addresses()] if host in ("0.0.0.0", "::") else []
        print(
            f"\n  HCC Queue is serving on {base}\n"
            + "".join(f"  From other machines of the centre: {url}\n" for url in lan)
            + f"    Kiosk:    {base}/kiosk\n"
            f"    Counter:  {base}/counter\n"
            f"    Display:  {base}/display\n"
            f"    Admin:    {base}/admin\n",
            flush=True,
        )

    options = {
        "bind": f"{host}:{port}",
        "workers": 1,  # one process: background loops and Socket.IO rooms live in one place
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "preload_app": False,
        "worker_exit": worker_exit,
        "when_ready": when_ready,
    }
    _Server(options, config_overrides).run()
