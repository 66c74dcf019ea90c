"""Publishing terms of sale, accepting them by double click, and finding what applies.

- Managed hosting art. 11: a modification is announced by e-mail; the client may then
  terminate within 30 days of its entry into force (pack entry
  `termination.after_modification`).
- Coaching art. 2: acceptance is a "double clic positif" — a first click validates, a
  second confirms. Art. 11: the version accepted when the order was validated applies.
- Coaching art. 38: the French text prevails; translations are shown when present.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ClientOrganisation, Membership, Person, Provider, Role
from clausier.core import audit
from clausier.core.calendar import local_day
from clausier.core.errors import DomainError
from clausier.core.formatting import format_date
from clausier.notify.services import enqueue
from clausier.terms.digests import load_accepted_pack, pack_digest
from clausier.terms.models import Acceptance, TermsVersion
from clausier.terms.packs import Pack, PackError, load_pack
from clausier.terms.policies import policy_for
from clausier.terms.zone import contract_zone

REVIEW_SALT = "clausier.terms.review"
# The second click must follow the first while the person still has the text in mind.
REVIEW_VALIDITY = timedelta(hours=1)


class TermsError(DomainError):
    code = "terms_refused"


class TermsNotAccepted(TermsError):
    code = "terms_not_accepted"


@dataclass(frozen=True)
class Review:
    """The first click: what was shown, to whom, when. Carried signed to the second click."""

    terms_id: int
    client_id: int
    person_id: int
    language: str
    text_digest: str
    reviewed_at: datetime

    def sign(self) -> str:
        return signing.dumps(
            [
                self.terms_id,
                self.client_id,
                self.person_id,
                self.language,
                self.text_digest,
                self.reviewed_at.isoformat(),
            ],
            salt=REVIEW_SALT,
        )

    @classmethod
    def unsign(cls, token: str) -> Review:
        try:
            terms_id, client_id, person_id, language, digest, reviewed_at = signing.loads(
                token, salt=REVIEW_SALT
            )
            return cls(
                int(terms_id),
                int(client_id),
                int(person_id),
                str(language),
                str(digest),
                datetime.fromisoformat(reviewed_at),
            )
        except (signing.BadSignature, ValueError, TypeError):
            raise TermsError(
                _("Validation invalide : relisez les conditions et validez à nouveau."),
                "invalid_review",
            ) from None


def _check_owner(actor: Person, provider: Provider) -> None:
    if not scoping.is_owner_of(actor, provider.pk):
        raise NotAllowed(_("Seul un responsable du prestataire gère les conditions générales."))


def create_draft(
    *,
    now: datetime,
    actor: Person,
    provider: Provider,
    service_line: str,
    version: str,
    pack_version: str,
    text_fr: str,
    text_de: str = "",
    text_en: str = "",
) -> TermsVersion:
    _check_owner(actor, provider)
    if not (text_fr or "").strip():
        raise TermsError(_("Le texte français, qui fait foi, est obligatoire."), "text_required")
    try:
        digest = pack_digest(service_line, pack_version)
    except PackError:
        raise TermsError(
            _("Aucun pack de règles %(line)s en version %(version)s.")
            % {"line": service_line, "version": pack_version},
            "unknown_pack",
        ) from None
    try:
        with transaction.atomic():
            terms = TermsVersion.objects.create(
                provider=provider,
                service_line=service_line,
                version=version.strip(),
                pack_version=pack_version,
                pack_digest=digest,
                text_fr=text_fr,
                text_de=text_de,
                text_en=text_en,
                created_at=now,
            )
            audit.record("terms.drafted", terms, actor=actor, provider=provider)
    except IntegrityError:
        raise TermsError(
            _("La version %(version)s existe déjà.") % {"version": version}, "duplicate"
        ) from None
    return terms


def publish(
    *, now: datetime, actor: Person, terms: TermsVersion, effective_at: datetime | None = None
) -> TermsVersion:
    """Publish a draft and tell every client admin of the provider (managed hosting art. 11)."""
    _check_owner(actor, terms.provider)
    effective_at = effective_at or now
    if effective_at < now:
        raise TermsError(
            _("L'entrée en vigueur ne peut pas précéder la publication."), "effective_in_past"
        )
    with transaction.atomic():
        claimed = TermsVersion.objects.filter(pk=terms.pk, published_at__isnull=True).update(
            published_at=now, effective_at=effective_at, published_by=actor
        )
        if claimed != 1:
            raise TermsError(_("Cette version est déjà publiée."), "already_published")
        terms.refresh_from_db()
        audit.record(
            "terms.published",
            terms,
            actor=actor,
            provider=terms.provider,
            details={"effective_at": effective_at.isoformat()},
        )
        _announce(terms, now)
    return terms


def termination_window(terms: TermsVersion) -> tuple[datetime, Any] | None:
    """Until when a client may terminate because of this version, and the clause; None when
    the contract gives no such right (coaching: the accepted version keeps applying).

    Hosting art. 11, "dans un délai de trente jours": the day of entry into force is not
    counted and the window closes at the end of the thirtieth day, 23:59:59.999 in the
    contract's zone (Code de procédure civile art. 641 al. 1, 642 al. 1), whatever the
    time of day the version came into force.
    """
    pack = load_pack(terms.service_line, terms.pack_version)
    limit = policy_for(pack).termination_after_terms_change()
    if limit is None or terms.effective_at is None:
        return None
    zone = contract_zone(pack)
    last_day = local_day(terms.effective_at, zone) + timedelta(days=limit.days)
    closes = datetime.combine(last_day, time(23, 59, 59, 999_000), tzinfo=zone)
    return closes, limit.clause


def _announce(terms: TermsVersion, now: datetime) -> None:
    window = termination_window(terms)
    admins = (
        Membership.objects.filter(
            provider=terms.provider, client__isnull=False, role=Role.CLIENT_ADMIN
        )
        .active()
        .select_related("person", "client")
    )
    zone = contract_zone(load_pack(terms.service_line, terms.pack_version))
    for membership in admins:
        person = membership.person
        language = person.language
        effective = format_date(local_day(terms.effective_at, zone), language)  # type: ignore[arg-type]
        deadline = format_date(local_day(window[0], zone), language) if window else ""
        enqueue(
            template="terms_published",
            to_email=person.email,
            language=person.language,
            provider=terms.provider,
            reply_to=terms.provider.support_email,
            now=now,
            idempotency_key=f"terms:{terms.pk}:published:{membership.pk}",
            context={
                "provider": terms.provider.legal_name,
                "organisation": str(membership.client),
                "version": terms.version,
                "effective_at": effective,
                "termination_deadline": deadline,
                "clause": str(window[1]) if window else "",
                "review_url": settings.SITE_URL + reverse("portal:terms_detail", args=[terms.pk]),
            },
        )


def _check_may_accept(person: Person, client: ClientOrganisation, terms: TermsVersion) -> None:
    if client.pk not in scoping.client_ids(person, {Role.CLIENT_ADMIN}):
        raise NotAllowed(
            _("Seul l'administrateur de l'organisation accepte les conditions générales.")
        )
    if terms.provider_id != client.provider_id or not terms.is_published:
        raise NotAllowed(_("Conditions introuvables."))


def review(
    *, now: datetime, person: Person, client: ClientOrganisation, terms: TermsVersion, language: str
) -> tuple[Review, str]:
    """First click: the text shown, and a signed token for the confirmation."""
    _check_may_accept(person, client, terms)
    text, shown = terms.text_in(language)
    first = Review(terms.pk, client.pk, person.pk, shown, TermsVersion.digest(text), now)
    return first, text


def accept(
    *,
    now: datetime,
    person: Person,
    client: ClientOrganisation,
    terms: TermsVersion,
    review_token: str,
    ip_address: str | None = None,
) -> Acceptance:
    """Second click: record who accepted which text, when (server time), from where."""
    _check_may_accept(person, client, terms)
    first = Review.unsign(review_token)
    if (first.terms_id, first.client_id, first.person_id) != (terms.pk, client.pk, person.pk):
        raise TermsError(
            _("Validation invalide : relisez les conditions et validez à nouveau."),
            "invalid_review",
        )
    if not (first.reviewed_at <= now <= first.reviewed_at + REVIEW_VALIDITY):
        raise TermsError(
            _("La validation a expiré : relisez les conditions et validez à nouveau."),
            "review_expired",
        )
    text, shown = terms.text_in(first.language)
    if TermsVersion.digest(text) != first.text_digest or shown != first.language:
        raise TermsError(_("Le texte a changé depuis votre lecture : relisez-le."), "text_changed")
    try:
        with transaction.atomic():
            acceptance = Acceptance.objects.create(
                terms=terms,
                client=client,
                person=person,
                reviewed_at=first.reviewed_at,
                accepted_at=now,
                language=shown,
                text_digest=first.text_digest,
                pack_version=terms.pack_version,
                pack_digest=terms.pack_digest,
                ip_address=ip_address,
            )
            audit.record(
                "terms.accepted",
                acceptance,
                actor=person,
                provider=terms.provider,
                client=client,
                details={
                    "version": terms.version,
                    "language": shown,
                    "text_sha256": first.text_digest,
                },
                ip_address=ip_address,
            )
    except IntegrityError:
        raise TermsError(
            _("Ces conditions sont déjà acceptées pour cette organisation."), "already_accepted"
        ) from None
    return acceptance


def current_acceptance(client: ClientOrganisation, service_line: str) -> Acceptance | None:
    return (
        Acceptance.objects.filter(client=client, terms__service_line=service_line)
        .select_related("terms")
        .order_by("-accepted_at", "-pk")
        .first()
    )


def require_acceptance(client: ClientOrganisation, service_line: str) -> Acceptance:
    """Subscribing needs accepted terms (coaching art. 2, art. 11)."""
    acceptance = current_acceptance(client, service_line)
    if acceptance is None:
        raise TermsNotAccepted(_("L'organisation doit d'abord accepter les conditions générales."))
    return acceptance


def pack_for(client: ClientOrganisation, service_line: str) -> Pack:
    """The rules that apply to this client: the pack version it accepted, unchanged."""
    acceptance = require_acceptance(client, service_line)
    return load_accepted_pack(service_line, acceptance.pack_version, acceptance.pack_digest)
