"""Federation, the centre side: what the province should know goes into a store-and-forward
outbox (incidents, mode, queue snapshots, daily figures with satisfaction, device states) and
one leased loop posts it in order with the centre's token. The centre never waits for the
province to issue or call. The province side is qms.province.
"""


def init_app(app):
    from qms.federation import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        cli,
        receivers,
        sender,
    )
    from qms.federation.runtime import Runtime
    from qms.state import get_state

    state = get_state(app)
    state.federation = Runtime()
    receivers.connect_signals(app)
    state.add_loop("federation", sender.run)
    cli.init_app(app)
