"""Shared handles to the app's database and Socket.IO server."""

from flask import current_app
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

socketio = SocketIO()
csrf = CSRFProtect()


def get_db():
    return current_app.extensions["qms"].db
