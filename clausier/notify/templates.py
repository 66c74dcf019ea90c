"""The catalogue of message templates and how they render, per recipient language.

Each template is a pair of Django templates, `notify/email/<name>.subject.txt` and
`<name>.body.txt`, translated with gettext; the catalogue lists the context each needs
so that a missing value fails at enqueue time, not in a half-rendered e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


class UnknownTemplate(ValueError):
    pass


class MissingContext(ValueError):
    pass


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


CATALOGUE: dict[str, frozenset[str]] = {
    "invitation": frozenset(
        {"inviter_name", "organisation", "provider", "activation_url", "expires_at", "role"}
    ),
    "access_suspended": frozenset({"person_name", "provider", "reason"}),
    "access_reinstated": frozenset({"person_name", "provider"}),
    "password_reset": frozenset({"person_name", "reset_url", "expires_at"}),
    "email_change": frozenset({"person_name", "new_email", "confirm_url", "hours"}),
    "price_increase": frozenset(
        {"provider", "label", "old_price", "new_price", "applies_from", "clause"}
    ),
    "payment_reminder": frozenset({"provider", "number", "due_on", "days_late", "balance"}),
    "terms_published": frozenset(
        {
            "provider",
            "organisation",
            "version",
            "effective_at",
            "termination_deadline",
            "clause",
            "review_url",
        }
    ),
    "session_invitation": frozenset(
        {"provider", "label", "coach", "starts_at", "url", "clause", "session_ref"}
    ),
    "session_cancelled": frozenset(
        {"provider", "label", "coach", "starts_at", "outcome", "clause"}
    ),
    "session_reminder": frozenset(
        {"provider", "label", "coach", "starts_at", "url", "session_ref"}
    ),
    "allowance_expiring": frozenset({"provider", "label", "remaining", "last_day", "clause"}),
    # The support desk (clausier.support): a reply on a ticket, the unknown-sender bounce.
    "support_reply": frozenset({"provider", "reference", "subject", "body"}),
    "support_unknown_sender": frozenset({"provider"}),
    "support_emergency": frozenset(
        {
            "provider",
            "organisation",
            "reference",
            "server",
            "contacted_at",
            "channel",
            "gti_due",
            "clause",
            "description",
        }
    ),
}

# Context values that would let a reader act as the recipient (an activation link). They
# are never stored in a rendered body: the outbox keeps a placeholder and the value
# encrypted until the message is handed to the SMTP server (clausier.notify.services).
SECRET_CONTEXT: dict[str, frozenset[str]] = {
    "invitation": frozenset({"activation_url"}),
    "password_reset": frozenset({"reset_url"}),
    "email_change": frozenset({"confirm_url"}),
}

SUPPORTED_LANGUAGES = ("fr", "de", "en")


def register_template(
    name: str, context_keys: frozenset[str], secret: frozenset[str] = frozenset()
) -> None:
    """An app above notify adds its own message templates to the catalogue (from its
    AppConfig.ready()); the files are `notify/email/<name>.{subject,body}.txt` in the app's
    templates folder. `secret` names the context values kept out of the stored body (a
    link that lets its reader act as the recipient)."""
    CATALOGUE[name] = frozenset(context_keys)
    if secret:
        SECRET_CONTEXT[name] = frozenset(secret)


def secret_keys(template: str) -> frozenset[str]:
    return SECRET_CONTEXT.get(template, frozenset())


def render(template: str, language: str, context: dict[str, Any]) -> RenderedMessage:
    if template not in CATALOGUE:
        raise UnknownTemplate(f"unknown message template {template!r}")
    missing = CATALOGUE[template] - context.keys()
    if missing:
        raise MissingContext(f"template {template!r} needs {', '.join(sorted(missing))}")
    language = language if language in SUPPORTED_LANGUAGES else "fr"
    with translation.override(language):
        subject = render_to_string(f"notify/email/{template}.subject.txt", context)
        body = render_to_string(f"notify/email/{template}.body.txt", context)
    # A subject is one line: template whitespace and newlines must not leak into headers.
    return RenderedMessage(subject=" ".join(subject.split()), body=body.strip() + "\n")
