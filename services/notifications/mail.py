"""Email: rendering from Jinja2 templates (HTML and text) and the transports that deliver it.

`FileTransport` (default) writes one `.eml` per message under MAIL.dir; `SmtpTransport` sends
through the SMTP server of MAIL.smtp. Both take a finished `EmailMessage`.
"""

from __future__ import annotations

import os
import smtplib
import tempfile
from dataclasses import dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from services.common.config import MAIL, NOTIFICATIONS, public_url
from services.notifications import domain

TEMPLATES = Path(__file__).parent / "templates"
# How messages are written out. The stdlib folds headers at 78 characters, and a header value
# with no space to break at (List-Unsubscribe's <url>) is then written as RFC 2047 encoded words,
# which mail clients do not read inside a URL: the headers are folded at RFC 5322's hard limit
# (998) instead. Bodies are encoded when set, with the default policy, so they do not change.
WIRE_POLICY = email_policy.default.clone(max_line_length=998)


def storefront_url(config: dict) -> str:
    """Where email links point: NOTIFICATIONS.storefront_url, else the gateway's own origin
    (PUBLIC_URL), which serves the storefront."""
    configured = (config.get(NOTIFICATIONS) or {}).get("storefront_url")
    return str(configured).rstrip("/") if configured else public_url(config)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    # the page that unsubscribes the recipient from this kind of email (the context's
    # links.unsubscribe): sent as the List-Unsubscribe header, so mail clients offer it too
    list_unsubscribe: str | None = None


class Templates:
    """`<kind>.txt` and `<kind>.html` under templates/email; the subject is the text template's
    `subject` block."""

    def __init__(self, directory: Path = TEMPLATES / "email"):
        common = {
            "loader": FileSystemLoader(str(directory)),
            "undefined": ChainableUndefined,
            "trim_blocks": True,
            "lstrip_blocks": True,
        }
        self.text = Environment(autoescape=False, **common)  # noqa: S701 (plain text)
        self.html = Environment(autoescape=select_autoescape(["html"]), **common)
        for env in (self.text, self.html):
            env.filters["money"] = domain.money
            env.filters["short_id"] = domain.short_id

    def render(self, kind: str, context: dict[str, Any]) -> Rendered:
        text_template = self.text.get_template(f"{kind}.txt")
        subject = "".join(
            text_template.blocks["subject"](text_template.new_context(context))
        ).strip()
        unsubscribe = (context.get("links") or {}).get("unsubscribe")
        return Rendered(
            subject=" ".join(subject.split()),
            text=text_template.render(context),
            html=self.html.get_template(f"{kind}.html").render(context),
            list_unsubscribe=str(unsubscribe) if unsubscribe else None,
        )


def build_message(
    *,
    sender: str,
    to: str,
    rendered: Rendered,
    message_id: str,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    if rendered.list_unsubscribe:
        # RFC 2369. No List-Unsubscribe-Post (RFC 8058 one-click): the link is the storefront's
        # page, where a person confirms with a button (a scanner's GET must not unsubscribe), and
        # that page does not take the client's form POST
        message["List-Unsubscribe"] = f"<{rendered.list_unsubscribe}>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    message.policy = WIRE_POLICY
    return message


class FileTransport:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".mail-")
        with os.fdopen(fd, "wb") as stream:
            stream.write(bytes(message))
        os.replace(tmp, self.directory / f"{name}.eml")


class SmtpTransport:
    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10,
    ):
        self.host, self.port = host, int(port)
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, float(timeout)

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
            if self.starttls:
                client.starttls()
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def transport_from_config(config: dict) -> FileTransport | SmtpTransport:
    mail = config.get(MAIL) or {}
    if mail.get("transport", "file") == "smtp":
        smtp = mail.get("smtp") or {}
        return SmtpTransport(
            smtp.get("host", "127.0.0.1"),
            int(smtp.get("port", 25)),
            smtp.get("username"),
            smtp.get("password"),
            _flag(smtp.get("starttls", False)),
            float(smtp.get("timeout", 10)),
        )
    return FileTransport(mail.get("dir", "var/mail"))


def sender_from_config(config: dict) -> str:
    mail = config.get(MAIL) or {}
    return formataddr(
        (mail.get("from_name") or "Bazaar", mail.get("from_address") or "no-reply@bazaar.dev")
    )
