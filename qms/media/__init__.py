"""The centre's guidance videos and pictures for the waiting-room TV (the Đại Sơn plan's
"videos hướng dẫn … trên màn hình điện tử"): files in DATA_DIR/display-media, served locally.

Writes in operations.py (add_media, remove_media), reads in queries.py; the staff page and the
file route are in qms/pages/display. No table: the folder and its manifest.json are the record.
"""


def init_app(app):
    pass
