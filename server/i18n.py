"""The web pages' language: words from the one catalog, dates and numbers from Babel (CLDR).

The locale comes from ?lang= (kept in the session), the user's own setting, then the browser.
Words are ``t(key)`` (``web.<key>`` in wire/texts.py); every code a page shows (a status, a role,
a reason, a scan outcome) is named by ``word(kind, code)``, never printed raw. Dates and numbers
go through Flask-Babel, whose locale is the same ``current_locale()``, in the floor's time zone
(``COLIS_TIMEZONE``, Europe/Paris by default): docs/architecture.md says why no gettext.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import has_request_context, request, session
from flask_babel import Babel, format_datetime, format_decimal
from flask_babel import format_currency as _format_currency
from flask_login import current_user

from wire import texts
from wire.texts import LOCALES

DEFAULT_TIMEZONE = "Europe/Paris"


def current_locale() -> str:
    if not has_request_context():
        return texts.DEFAULT_LOCALE
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LOCALES:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or texts.DEFAULT_LOCALE


def t(key: str, **params) -> str:
    """A page word from the one catalog (``web.<key>`` in wire/texts.py), in the page's language."""
    return texts.text(f"web.{key}", current_locale(), **params)


def word(kind: str, code: object, locale: str | None = None) -> str:
    """The name of a code (``word("status.order", "picked")`` → "prélevée"): a code with no
    name is shown as an unknown value, never as itself."""
    key = f"{kind}.{code if code is not None else ''}"
    locale = locale or current_locale()
    if key in texts.CATALOG:
        return texts.text(key, locale)
    return texts.text("web.unknown", locale)


def channel_name(channel: str) -> str:
    """A known channel's name; another is an integration's own name, shown as given."""
    key = f"channel.{channel}"
    return texts.text(key, current_locale()) if key in texts.CATALOG else channel


def when(moment: datetime | None, style: str = "short") -> str:
    """A date and time in the reader's locale and the floor's time zone ("–" for none)."""
    if moment is None:
        return "–"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_datetime(moment, style)


def number(value: float | int, digits: int = 0) -> str:
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def money(cents: int | None, currency: str = "EUR") -> str:
    return _format_currency((cents or 0) / 100, currency)


def lang_url(locale: str) -> str:
    """This page in another language (its filters kept)."""
    args = request.args.to_dict()
    args["lang"] = locale
    if request.endpoint and request.url_rule is not None and request.method == "GET":
        from flask import url_for

        return url_for(request.endpoint, **(request.view_args or {}), **args)
    return f"?lang={locale}"


def init_app(app) -> None:
    """Flask-Babel with our locale and time zone; the helpers as template globals."""
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIMEZONE") or DEFAULT_TIMEZONE)
    Babel(app, locale_selector=current_locale)
    from server.extensions import login_manager

    # Flask-Login's "Please log in" reminder, in the reader's language.
    login_manager.login_message, login_manager.localize_callback = "sign_in_needed", t
    app.jinja_env.globals.update(t=t, word=word, when=when, number=number, money=money,
                                 current_locale=current_locale, lang_url=lang_url,
                                 channel_name=channel_name)
