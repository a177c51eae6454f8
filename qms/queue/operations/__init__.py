"""Every write of the queue, one module per job.

tickets   the rows: numbers, ticket and event inserts, adoption, cancel, day end
issuing   take a number (group-committed, durable before the answer)
calling   what a counter does: call next or a number, recall, serve, complete, no-show, state
transfers the citizen moves on to another service or counter
holding   one officer per counter at a time
setup     services, counters, priority categories

Each operation runs in one durable transaction, then sends its signal with plain dicts
(listeners never see live ORM objects) and returns what the API answers.
"""
