"""The back-office (Django admin) labels come from the models' verbose names: every
model and field of accounts, billing, terms and notify has a translatable one, and each
is translated in the German and English catalogues (French is the source)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import trans_real

APPS = ("accounts", "billing", "terms", "notify")
# Fields Person inherits from django.contrib.auth: Django's English source, its own catalogues.
DJANGO_OWN = {"password", "last_login", "is_superuser", "groups", "user_permissions"}


def _labels():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            meta = model._meta
            yield f"{label}.{model.__name__}", meta.verbose_name
            yield f"{label}.{model.__name__} (plural)", meta.verbose_name_plural
            for field in meta.get_fields():
                if (field.auto_created and not field.concrete) or field.name == "id":
                    continue
                if field.name in DJANGO_OWN:
                    continue
                yield f"{label}.{model.__name__}.{field.name}", field.verbose_name


def _msgid(label: Promise) -> str:
    args = label._args  # type: ignore[attr-defined]
    return args[0] if len(args) == 1 else f"{args[0]}\x04{args[1]}"


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_model_and_field_label_is_translated(language):
    catalog = trans_real.translation(language)._catalog
    untranslatable = [where for where, label in _labels() if not isinstance(label, Promise)]
    assert untranslatable == []
    missing = [
        where
        for where, label in _labels()
        if not catalog.get(_msgid(label)) and _msgid(label) not in {"SIREN", "Message-ID"}
    ]
    assert missing == []
