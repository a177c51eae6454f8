"""The kiosk print agent, a library without Flask: shared by a kiosk PC and the server.

agent.py is the program `qms agent` runs on a kiosk PC (long-poll, print, acknowledge,
exactly once); payload.py turns a print job's payload into what printer_drivers renders,
so the server's own worker and the agent print exactly the same ticket.
"""
