"""Identity validators: SIREN/SIRET, intra-EU VAT numbers, IBAN/BIC, professional e-mail.

Each returns the normalised value or raises ValidationError with a message a person
can act on.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat
from stdnum.fr import siren, siret


def clean_siren(value: str) -> str:
    try:
        return str(siren.validate(value))
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIREN valide (9 chiffres, clé de Luhn)."),
            code="invalid_siren",
            params={"value": value},
        ) from None


def clean_siret(value: str) -> str:
    try:
        return str(siret.validate(value))
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIRET valide (14 chiffres)."),
            code="invalid_siret",
            params={"value": value},
        ) from None


def clean_vat_number(value: str) -> str:
    try:
        return str(vat.validate(value))
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro de TVA intracommunautaire valide."),
            code="invalid_vat",
            params={"value": value},
        ) from None


def clean_iban(value: str) -> str:
    try:
        return str(IBAN(value).compact)
    except SchwiftyException:
        raise ValidationError(
            _("« %(value)s » n'est pas un IBAN valide."),
            code="invalid_iban",
            params={"value": value},
        ) from None


def clean_bic(value: str) -> str:
    try:
        return str(BIC(value).compact)
    except SchwiftyException:
        raise ValidationError(
            _("« %(value)s » n'est pas un BIC valide."),
            code="invalid_bic",
            params={"value": value},
        ) from None


# A registry city: letters (accents included), spaces, hyphens, apostrophes, dots
# ("Aix-en-Provence", "L'Isle-Jourdain", "St. Pierre"). Digits mean a number was typed.
_CITY = re.compile(r"^[^\W\d_]+(?:[ '’.\-]+[^\W\d_]+)*\.?$")
MAX_SHARE_CAPITAL = Decimal(10) ** 12


def clean_legal_form(value: str) -> str:
    """The legal form on one line, spaces collapsed (SAS, SARL à associé unique)."""
    form = " ".join((value or "").split())
    if value and not form:  # only spaces: the empty value has its own "required" error
        raise ValidationError(
            _("La forme juridique est obligatoire (SAS, SARL, EI…)."), code="blank"
        )
    return form


def clean_rcs_city(value: str) -> str:
    """The city of the registry only: "RCS Paris 812 345 676" is written from it and the
    SIREN, so a pasted "RCS" prefix is dropped and a number is refused."""
    city = " ".join((value or "").split())
    if city.upper().startswith("RCS "):
        city = city[4:].strip()
    if city and not _CITY.match(city):
        raise ValidationError(
            _(
                "« %(value)s » n'est pas un nom de ville de greffe : saisissez la ville seule "
                "(Paris, Aix-en-Provence) ; le numéro RCS est le SIREN."
            ),
            code="invalid_rcs_city",
            params={"value": value},
        )
    return city


def check_share_capital(value: Decimal) -> None:
    if not Decimal(0) < value < MAX_SHARE_CAPITAL:
        raise ValidationError(
            _("Le capital social doit être un montant positif en euros (moins de 10¹² €)."),
            code="invalid_share_capital",
        )


@lru_cache(maxsize=4)
def _free_domains(path: str) -> frozenset[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def free_email_domains() -> frozenset[str]:
    return _free_domains(settings.FREE_EMAIL_DOMAINS_FILE)


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def clean_domain(value: str) -> str:
    domain = value.strip().lower().lstrip("@")
    labels = domain.split(".")
    if len(labels) < 2 or not all(
        label and len(label) <= 63 and label.replace("-", "").isalnum() for label in labels
    ):
        raise ValidationError(
            _("« %(value)s » n'est pas un nom de domaine valide."),
            code="invalid_domain",
            params={"value": value},
        )
    if domain in free_email_domains():
        raise ValidationError(
            _("« %(value)s » est une messagerie gratuite, pas un domaine professionnel."),
            code="free_email_domain",
            params={"value": value},
        )
    return domain


def check_professional_email(email: str, allowed_domains: list[str] | None = None) -> None:
    """Coaching contract art. 6: every user needs a valid professional e-mail address."""
    domain = email_domain(email)
    if domain in free_email_domains():
        raise ValidationError(
            _(
                "L'adresse %(email)s est une messagerie gratuite (%(domain)s) : "
                "une adresse e-mail professionnelle est requise."
            ),
            code="free_email_domain",
            params={"email": email, "domain": domain},
        )
    if allowed_domains and domain not in allowed_domains:
        raise ValidationError(
            _("L'adresse %(email)s n'appartient pas aux domaines de l'organisation (%(domains)s)."),
            code="foreign_email_domain",
            params={"email": email, "domains": ", ".join(allowed_domains)},
        )
