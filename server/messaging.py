"""The customer's messages as they leave: composed from the catalog and the mail templates, and
handed to a channel (SMTP for e-mail, an SMS adapter for text messages).

E-mail: ``MAIL_SMTP_HOST`` (unset: no e-mail goes out; rows wait in the outbox), port, user,
password, STARTTLS; plain text and HTML (server/templates/mail/), in the customer's language,
with the status page link, and for messages that are not essential an unsubscribe link plus
RFC 8058 one-click ``List-Unsubscribe`` headers. SMS: ``SMS_ADAPTER`` ``record`` keeps each
message in memory (tests, the demo); a real provider implements ``send`` the same way.
"""
from __future__ import annotations

import smtplib
import threading
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Callable

from flask import current_app, render_template

from server.domain.notices import is_essential
from server.models import Notification
from server.models._types import utcnow
from server.services.notify import ChannelError
from server.services.status_links import label_token, status_token, unsubscribe_token
from wire.texts import text

CARRIER_LINKS = {"UPS": "https://www.ups.com/track?tracknum={tracking}"}
LAPOSTE_LINK = "https://www.laposte.fr/outils/suivre-vos-envois?code={tracking}"


@dataclass
class SmtpMailer:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    helo_name: str = "colis.example"

    tells_acceptance = True  # notify.deliver settles the row on the 250, before QUIT

    def send(self, row: Notification, message_id: str, accepted: Callable[[], None] | None = None) -> None:
        message = compose_email(row, message_id)
        # local_hostname given: smtplib would otherwise ask the resolver for this host's FQDN on
        # every connection (seconds where reverse DNS is slow).
        smtp = smtplib.SMTP(self.host, self.port, local_hostname=self.helo_name, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)  # returns on the server's 250 to the data: it has the message
            if accepted is not None:
                accepted()
        finally:
            _close(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT, or just drop the connection: the message's fate was settled before."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class RecordingSms:
    """An SMS adapter that records what it would send (to, text, message id): the last
    ``keep`` of them, so a long-running server does not grow with every parcel."""

    def __init__(self, keep: int = 1000):
        self._lock = threading.Lock()
        self.sent: deque[tuple[str, str, str]] = deque(maxlen=keep)

    def send(self, row: Notification, message_id: str) -> None:
        if not row.recipient.strip():
            raise ChannelError("no phone number", permanent=True)
        body = text(f"mail.{row.kind}.sms", row.locale, **_params(row), link=status_url(row.order_id, row.locale))
        with self._lock:
            self.sent.append((row.recipient, body, message_id))


def channels(app) -> dict:
    """The channels this app sends through (a channel missing: its rows wait in the outbox)."""
    config, found = app.config, {}
    if config.get("MAIL_SMTP_HOST"):
        found["email"] = SmtpMailer(str(config["MAIL_SMTP_HOST"]), int(config.get("MAIL_SMTP_PORT") or 25),
                                    config.get("MAIL_SMTP_USER"), config.get("MAIL_SMTP_PASSWORD"),
                                    bool(config.get("MAIL_SMTP_STARTTLS")), float(config.get("MAIL_SMTP_TIMEOUT", 10)),
                                    str(config.get("MAIL_MESSAGE_ID_DOMAIN") or "colis.example"))
    if config.get("SMS_ADAPTER") == "record":
        found["sms"] = app.extensions.setdefault("colis_sms", RecordingSms())
    return found


def status_url(order_id: int | None, locale: str | None = None) -> str:
    """The status page's signed link; opened in the customer's language (``?lang=``)."""
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    lang = f"?lang={locale}" if locale in ("fr", "en") else ""
    if order_id is None:
        return f"{base}/track{lang}"
    return f"{base}/track/{status_token(current_app.config['SECRET_KEY'], order_id)}{lang}"


def compose_email(row: Notification, message_id: str) -> EmailMessage:
    config, locale, params = current_app.config, row.locale, _params(row)
    base = str(config.get("PUBLIC_URL") or "").rstrip("/")
    body_key = f"mail.{row.kind}.body_carrier" if row.context.get("reason") == "carrier" else f"mail.{row.kind}.body"
    links = [{"text": text("mail.follow", locale), "url": status_url(row.order_id, locale)}]
    if row.kind == "shipped" and params["tracking"]:
        template = CARRIER_LINKS.get(str(row.context.get("carrier", "")).upper(), LAPOSTE_LINK)
        links.append({"text": text("mail.shipped.carrier_link", locale), "url": template.format(**params)})
    if row.kind == "return_authorized" and params["rma"]:
        label = f"{base}/track/label/{label_token(config['SECRET_KEY'], params['rma'])}.pdf"
        links.append({"text": text("mail.return_authorized.label", locale), "url": label})
    unsubscribe = None
    if not is_essential(row.kind):
        unsubscribe = f"{base}/unsubscribe/{unsubscribe_token(config['SECRET_KEY'], row.recipient)}"
    page = {"locale": locale, "subject": text(f"mail.{row.kind}.subject", locale, **params),
            "greeting": text("mail.greeting", locale, **params), "body": text(body_key, locale, **params),
            "links": links, "signature": text("mail.signature", locale), "unsubscribe_url": unsubscribe,
            "unsubscribe_text": text("mail.unsubscribe", locale), "essential_text": text("mail.essential", locale)}
    message = EmailMessage()
    message["Subject"] = page["subject"]
    message["From"] = str(config.get("MAIL_FROM") or formataddr(("Colis", "no-reply@colis.example")))
    message["To"] = formataddr((str(row.context.get("name") or ""), row.recipient))
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(utcnow())
    message["Content-Language"] = locale
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(render_template("mail/message.txt", **page))
    message.add_alternative(render_template("mail/message.html", **page), subtype="html")
    return message


def _params(row: Notification) -> dict:
    context = row.context or {}
    return {"order": context.get("order", ""), "name": context.get("name", ""), "rma": context.get("rma", ""),
            "carrier": context.get("carrier", ""), "tracking": context.get("tracking", ""),
            "amount": money(context.get("amount_cents"), context.get("currency", "EUR"), row.locale),
            "expected": day(context.get("expected_on"), row.locale)}


def money(cents, currency: str, locale: str) -> str:
    if cents is None:
        return ""
    units = f"{int(cents) // 100}{',' if locale == 'fr' else '.'}{int(cents) % 100:02d}"
    symbol = "€" if currency == "EUR" else currency
    return f"{units} {symbol}" if locale == "fr" else f"{symbol}{units}"


def day(iso: str | None, locale: str) -> str:
    if not iso:
        return ""
    year, month, dom = str(iso)[:10].split("-")
    return f"{dom}/{month}/{year}" if locale == "fr" else f"{year}-{month}-{dom}"
