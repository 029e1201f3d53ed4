"""The web pages' language. The locale comes from ?lang=, the user, then the browser."""
from __future__ import annotations

from flask import request, session
from flask_login import current_user

from wire import texts
from wire.texts import LOCALES


def current_locale() -> str:
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LOCALES:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or "fr"


def t(key: str) -> str:
    """A page word from the one catalog (``web.<key>`` in wire/texts.py), in the page's language."""
    return texts.text(f"web.{key}", current_locale())
