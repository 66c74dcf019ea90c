"""Every column that looks like a secret is either encrypted (EncryptedTextField), a
one-way hash, or listed here with the reason it is not a usable secret. A new
`api_key` or `smtp_password` field in clear fails this test (issue 9, finding 4)."""

from __future__ import annotations

import re

from django.apps import apps

from clausier.core.fields import EncryptedTextField

LOOKS_SECRET = re.compile(r"secret|token|password|passwd|api_?key|private|credential")

# Why each of these is not a usable secret in clear.
NOT_SECRETS = {
    "accounts.Person.password": "Argon2 hash (Django's password field)",
    "accounts.Invitation.token_hash": "SHA-256 of the token",
    "accounts.ApiToken.token_hash": "SHA-256 of the token",
    "coaching.CalendarFeed.token_hash": "SHA-256 of the private iCal feed token",
    "training.Evaluation.token_hash": "SHA-256 of the evaluation link's token",
    # Django's database sessions keep the session key itself: documented in
    # docs/configuration.md as the one live credential the database holds.
    "sessions.Session.session_key": "Django's session key (see docs/configuration.md)",
}


def test_every_secret_looking_column_is_encrypted_hashed_or_explained():
    unexplained = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if not LOOKS_SECRET.search(field.name) or isinstance(field, EncryptedTextField):
                continue
            if label not in NOT_SECRETS:
                unexplained.append(label)
    assert unexplained == []


def test_the_list_of_exceptions_names_real_columns():
    labels = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
    }
    assert set(NOT_SECRETS) <= labels
