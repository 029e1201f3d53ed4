"""The supervisors' pages (server-rendered, FR/EN): orders, stations, users, and our own error
pages. The dashboard itself is server/api/dashboard.py; the returns pages are the returns
desk's (issue 8) and the printers page the fleet's (issue 7): linked from the navigation."""
from __future__ import annotations


def register(app) -> None:
    from server.web import access, errors, imports, orders, stations, users

    for module in (orders, stations, users, imports):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    app.jinja_env.globals.update(returns_url=access.returns_landing, printers_url=access.printers_page,
                                 who=_who, sentence=_sentence, print_line=_print_line,
                                 service_name=service_name)


def service_name(code: str | None) -> str:
    """A carrier service as a person reads it ("Chronopost 13h"), never its code."""
    from server.services.floor_stats import service_name as named

    return named(code) if code else "–"


def _who(actor: str | None) -> str:
    from server.feed import who
    from server.i18n import current_locale

    return who(actor, current_locale())


def _sentence(event: dict) -> str:
    from server.feed import sentence
    from server.i18n import current_locale

    shown = dict(event, type="scan_recorded" if event.get("type") == "scan_recorded" else event.get("type"))
    return sentence(shown, current_locale())


def _print_line(job, where: str = "") -> str:
    from server.i18n import current_locale
    from wire import texts

    locale = current_locale()
    return texts.text("feed.print_job", locale, kind=texts.text(f"kind.{job.kind}", locale) if f"kind.{job.kind}" in
                      texts.CATALOG else "", status=texts.text(f"status.print_job.{job.status}", locale),
                      where=f" · {where}" if where else "")
