"""Every paper-dossier write, one module per job: register (receive, entered, returned, the
audit of views), slip (the appointment slip on the ticket printer), assisted (the seven steps),
purge (Decree 13 retention). One transaction per change, then paper_dossier_changed."""
