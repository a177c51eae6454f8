"""Every incident write, one module per job: timeline (the audited row every write adds),
catalogue, lifecycle, notices, attachments, proposals, automatic (signal receivers).

One transaction per change, one timeline row per change, then incident_changed."""
