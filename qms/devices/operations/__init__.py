"""Every write of the print path, one module per job: jobs (a ticket's job, claims, outcomes,
expiry), reprint (reprint and test print), health (device states and their signals),
agent (the kiosk print agent's protocol)."""
