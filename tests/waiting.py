"""Polling for what a real process, socket or device does in its own time."""

import time


def wait_for(predicate, what="condition", seconds=10.0, every=0.05):
    """predicate()'s first true value, polled every `every` s for up to `seconds`; past
    that the test fails, naming what it waited for."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(every)
