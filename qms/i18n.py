"""Vietnamese first, English second: pages pick a language from ?lang= or the lang cookie.

Texts are written in pairs where they are used, t("Lấy số", "Take a number"), so a
template reads in both languages and nothing needs compiling.
"""

from flask import g, request

LANGS = ("vi", "en")


def current_lang():
    lang = getattr(g, "lang", None)
    if lang is None:
        lang = request.args.get("lang") or request.cookies.get("lang") or "vi"
        g.lang = lang if lang in LANGS else "vi"
    return g.lang


def t(vi, en):
    return en if current_lang() == "en" else vi


def minutes(value):
    """6.5 → '6,5' (Vietnamese decimal comma); None → '–'."""
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",")


def vn_time(value, seconds=True, with_date=True):
    """ISO text or datetime → 'dd/mm/yyyy HH:MM:SS' as staff read it; '' for nothing."""
    from datetime import datetime

    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    fmt = ("%d/%m/%Y " if with_date else "") + ("%H:%M:%S" if seconds else "%H:%M")
    return value.strftime(fmt)


def init_app(app):
    app.add_template_filter(minutes, "minutes")
    app.add_template_filter(vn_time, "vn_time")
    app.add_template_global(t, "t")
    app.add_template_global(current_lang, "current_lang")

    @app.after_request
    def remember_lang(response):
        if "lang=" not in request.environ.get("QUERY_STRING", ""):
            return response  # most requests: no query to parse
        lang = request.args.get("lang")
        if lang in LANGS:
            response.set_cookie("lang", lang, max_age=86400 * 365, samesite="Lax")
        return response
