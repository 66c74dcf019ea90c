"""Training services: catalogue, sessions, enrolments, cancellations, attendance, funding,
split billing. Every function takes `now` and the acting person (None: the system).

Rules come from the contract (`terms.rules.coaching_training`, the pack the client
accepted); invoices go through the one issuing path (`billing.invoicing.issue.issue_many`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import (
    ClientOrganisation,
    Membership,
    Person,
    Provider,
    Role,
    ServiceLine,
)
from clausier.billing.invoicing.issue import InvoiceDraft, LineDraft, issue_many
from clausier.billing.models import Invoice, InvoiceKind, VatCategory
from clausier.billing.models_funders import Funder
from clausier.core import audit
from clausier.core.clauses import ClauseRef
from clausier.core.errors import DomainError
from clausier.core.money import to_cents
from clausier.notify.services import Attachment
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import (
    client_training_change,
    opco_subrogation_allowed,
    provider_training_change,
)
from clausier.terms.services import pack_for
from clausier.terms.zone import contract_day, contract_zone
from clausier.training import access, convocations, remote
from clausier.training import split as splitting
from clausier.training.errors import HoursMismatch, TrainingError
from clausier.training.models import (
    HOURS,
    Attendance,
    DocumentKind,
    Enrolment,
    EnrolmentStatus,
    FundingRequest,
    FundingScheme,
    HalfDay,
    Module,
    ModuleProgress,
    OrganisationProfile,
    Payment,
    Presence,
    Pricing,
    Quote,
    QuoteStatus,
    SessionStatus,
    Settlement,
    Signature,
    SignerRole,
    Slot,
    Trainer,
    Training,
    TrainingDocument,
    TrainingSession,
)

logger = logging.getLogger(__name__)
VAT_RATE = Decimal("20.00")
PAYMENT_DAYS = 30
# Art. 8.1.2 ("tout changement dans la liste des participants ... avant le démarrage de la
# première session"): no pack entry carries it (packs are digest-locked), cited here.
PARTICIPANT_CHANGES = ClauseRef(
    "coaching_training",
    "8.1.2",
    "Cas des formations prises en charge en totalité ou en partie par un organisme collecteur",
)
# A half-day: the morning ends by 14:00, the afternoon starts at 12:00 or later (local).
MORNING_ENDS_BY = time(14, 0)
AFTERNOON_STARTS_FROM = time(12, 0)
STAFF_EDITORS = {Role.OWNER.value, Role.COACH.value}
BILLING_STAFF = {Role.OWNER.value, Role.ACCOUNTANT.value}


def training_pack(client: ClientOrganisation) -> Pack:
    """The coaching & training pack this client accepted (the trainings are of that line)."""
    return pack_for(client, ServiceLine.COACHING_TRAINING)


# -- who may ----------------------------------------------------------------------------------


def _require_staff(actor: Any, provider_id: int, roles: set[str] | None = None) -> None:
    if actor is None:
        return
    if provider_id not in scoping.staff_provider_ids(actor, roles):
        raise NotAllowed(_("Réservé à l'équipe du prestataire."))


def _require_client_admin_or_staff(actor: Any, client: ClientOrganisation) -> None:
    if actor is None:
        return
    if client.provider_id in scoping.staff_provider_ids(actor, STAFF_EDITORS):
        return
    if client.pk not in scoping.client_ids(actor, {Role.CLIENT_ADMIN.value}):
        raise NotAllowed(_("Réservé à l'administrateur du client ou au prestataire."))


def _require_trainer(actor: Any, session: TrainingSession) -> None:
    if actor is None:
        return
    if session.trainer.person_id != actor.pk:
        raise NotAllowed(_("Seul le formateur de la session valide ses demi-journées."))


# -- catalogue and sessions ---------------------------------------------------------------


def create_training(
    *, now: datetime, actor: Any, provider: Provider, fields: dict[str, Any]
) -> Training:
    _require_staff(actor, provider.pk, STAFF_EDITORS)
    training = Training(provider=provider, created_at=now, **fields)
    training.full_clean()
    training.save()
    audit.record("training.created", training, actor=actor, provider=provider)
    return training


def add_module(
    *, actor: Any, training: Training, title: str, duration_minutes: int, body: str = ""
) -> Module:
    _require_staff(actor, training.provider_id, STAFF_EDITORS)
    position = training.modules.count() + 1
    module = Module(
        training=training,
        position=position,
        title=title,
        body=body,
        duration_minutes=duration_minutes,
    )
    module.full_clean()
    module.save()
    return module


def trainer_for(*, actor: Any, provider: Provider, person: Person) -> Trainer:
    _require_staff(actor, provider.pk, STAFF_EDITORS)
    trainer, _created = Trainer.objects.get_or_create(provider=provider, person=person)
    return trainer


@dataclass(frozen=True, slots=True)
class SlotDraft:
    day: date
    half: str  # HalfDay
    starts: time
    ends: time


def _slot(session: TrainingSession, draft: SlotDraft) -> Slot:
    if draft.half not in HalfDay.values:
        raise TrainingError(_("Demi-journée inconnue : matin (am) ou après-midi (pm)."))
    if draft.ends <= draft.starts:
        raise TrainingError(_("Une demi-journée finit après son début."))
    if draft.half == HalfDay.AM and draft.ends > MORNING_ENDS_BY:
        raise TrainingError(_("Une matinée finit au plus tard à 14 h."))
    if draft.half == HalfDay.PM and draft.starts < AFTERNOON_STARTS_FROM:
        raise TrainingError(_("Un après-midi commence au plus tôt à 12 h."))
    zone = contract_zone()
    return Slot(
        session=session,
        day=draft.day,
        half=draft.half,
        starts_at=datetime.combine(draft.day, draft.starts, tzinfo=zone),
        ends_at=datetime.combine(draft.day, draft.ends, tzinfo=zone),
    )


def schedule_session(
    *,
    now: datetime,
    actor: Any,
    training: Training,
    trainer: Trainer,
    slots: list[SlotDraft],
    min_participants: int = 1,
    location: str = "",
    room_name: str = "",
) -> TrainingSession:
    """A session of `training`: its half-days and e-learning make the training's duration.
    `room_name`: the JaaS room whose join/leave events are the remote half-days' evidence."""
    _require_staff(actor, training.provider_id, STAFF_EDITORS)
    if trainer.provider_id != training.provider_id:
        raise NotAllowed(_("Formateur introuvable."))
    if not slots:
        raise TrainingError(_("Une session a au moins une demi-journée."))
    if len({(s.day, s.half) for s in slots}) != len(slots):
        raise TrainingError(_("Deux créneaux sur la même demi-journée."))
    with transaction.atomic():
        session = TrainingSession.objects.create(
            provider_id=training.provider_id,
            training=training,
            trainer=trainer,
            min_participants=min_participants,
            location=location,
            room_name=" ".join((room_name or "").split())[:200],
            created_at=now,
        )
        rows = [_slot(session, draft) for draft in slots]
        synchronous = sum((row.hours for row in rows), Decimal(0))
        elearning = sum((m.hours for m in training.modules.all()), Decimal(0))
        if synchronous + elearning != training.duration_hours:
            raise TrainingError(
                _(
                    "Les demi-journées (%(sync)s h) et l'e-learning (%(elearning)s h) ne font "
                    "pas la durée de la formation (%(duration)s h)."
                )
                % {"sync": synchronous, "elearning": elearning, "duration": training.duration_hours}
            )
        Slot.objects.bulk_create(rows)
        audit.record("training.session_scheduled", session, actor=actor, provider=training.provider)
    return session


def change_session(
    *,
    now: datetime,
    actor: Any,
    session: TrainingSession,
    location: str,
    times: dict[int, tuple[time, time]],
) -> int:
    """A new place (or virtual class link) or new times for half-days not begun; the
    convoked participants get the convocation again at SEQUENCE + 1. Returns the mails."""
    _require_staff(actor, session.provider_id, STAFF_EDITORS)
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError(_("Cette session n'est plus programmée."))
    location = " ".join((location or "").split())[:200]
    slots = {slot.pk: slot for slot in session.slots.all()}
    changed: list[Slot] = []
    for slot_id, (starts, ends) in times.items():
        slot = slots.get(slot_id)
        if slot is None:
            raise NotAllowed(_("Demi-journée introuvable."))
        zone = contract_zone()
        if (slot.starts_at.astimezone(zone).time(), slot.ends_at.astimezone(zone).time()) == (
            starts,
            ends,
        ):
            continue
        if now >= slot.starts_at:
            raise TrainingError(
                _("La demi-journée du %(day)s a commencé : ses horaires ne changent plus.")
                % {"day": slot.day.isoformat()},
                "slot_started",
            )
        fresh = _slot(session, SlotDraft(slot.day, slot.half, starts, ends))
        if fresh.minutes != slot.minutes:
            raise TrainingError(
                _(
                    "La demi-journée du %(day)s doit garder sa durée (%(minutes)s min) : "
                    "les heures font la durée de la formation."
                )
                % {"day": slot.day.isoformat(), "minutes": slot.minutes},
                "duration_changed",
            )
        slot.starts_at, slot.ends_at = fresh.starts_at, fresh.ends_at
        changed.append(slot)
    if not changed and location == session.location:
        raise TrainingError(_("Rien n'a changé."), "unchanged")
    with transaction.atomic():
        for slot in changed:
            slot.save(update_fields=["starts_at", "ends_at"])
        session.location = location
        session.save(update_fields=["location"])
        sent = convocations.changed(now=now, actor=actor, session=session)
        audit.record(
            "training.session_changed",
            session,
            actor=actor,
            provider=session.provider,
            details={
                "location": location,
                "slots": [s.pk for s in changed],
                "sequence": session.ical_sequence,
            },
        )
    return sent


def _first_start(session: TrainingSession) -> datetime:
    first = session.slots.order_by("starts_at").first()
    if first is None:
        raise TrainingError(_("La session n'a aucune demi-journée."))
    return first.starts_at


def _last_end(session: TrainingSession) -> datetime:
    last = session.slots.order_by("-ends_at").first()
    if last is None:
        raise TrainingError(_("La session n'a aucune demi-journée."))
    return last.ends_at


# -- quotes and enrolments ----------------------------------------------------------------


def _require_participant_of(client: ClientOrganisation, person: Person) -> None:
    member = Membership.objects.filter(person=person, client=client).active().exists()
    if not member:
        raise TrainingError(
            _("%(email)s n'est pas une personne de %(client)s : invitez-la d'abord.")
            % {"email": person.email, "client": client.legal_name},
            "not_a_participant_of_the_client",
        )


def quote_price(training: Training, participants: int) -> Decimal:
    if training.pricing == Pricing.PER_GROUP:
        return to_cents(training.price_ht)
    return to_cents(training.price_ht * participants)


def create_quote(
    *,
    now: datetime,
    actor: Any,
    session: TrainingSession,
    client: ClientOrganisation,
    participants: list[Person],
) -> Quote:
    """The client's order of `session` for its participants (enrolled at once)."""
    _require_client_admin_or_staff(actor, client)
    if client.provider_id != session.provider_id:
        raise NotAllowed(_("Session introuvable."))
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError(_("Cette session n'est plus ouverte aux inscriptions."))
    if not participants:
        raise TrainingError(_("Un devis a au moins un participant."))
    if now >= _first_start(session):
        raise TrainingError(
            _("La formation a commencé : plus d'inscription (art. 8.1.2)."), "already_started"
        )
    training_pack(client)  # the client accepted the terms
    for person in participants:
        _require_participant_of(client, person)
    with transaction.atomic():
        quote = Quote.objects.create(
            provider_id=session.provider_id,
            client=client,
            session=session,
            price_ht=quote_price(session.training, len(participants)),
            created_at=now,
        )
        Enrolment.objects.bulk_create(
            Enrolment(quote=quote, participant=p, enrolled_at=now) for p in set(participants)
        )
        audit.record(
            "training.quote_created",
            quote,
            actor=actor,
            provider=client.provider,
            client=client,
            details={"participants": len(participants), "price_ht": str(quote.price_ht)},
        )
    return quote


def _reprice(quote: Quote) -> None:
    count = quote.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    quote.price_ht = quote_price(quote.session.training, count)
    quote.save(update_fields=["price_ht"])


def add_participant(*, now: datetime, actor: Any, quote: Quote, person: Person) -> Enrolment:
    """Art. 8.1.2: participants change until the first slot starts, never after."""
    _require_client_admin_or_staff(actor, quote.client)
    if quote.status != QuoteStatus.ACCEPTED:
        raise TrainingError(_("Ce devis n'accepte plus de changement."))
    if now >= _first_start(quote.session):
        raise TrainingError(
            _("La formation a commencé : la liste des participants ne change plus (%(clause)s).")
            % {"clause": PARTICIPANT_CHANGES.short},
            "participants_frozen",
        )
    _require_participant_of(quote.client, person)
    with transaction.atomic():
        if quote.enrolments.filter(participant=person, status=EnrolmentStatus.ACTIVE).exists():
            raise TrainingError(_("Cette personne est déjà inscrite."), "already_enrolled")
        enrolment = Enrolment.objects.create(quote=quote, participant=person, enrolled_at=now)
        _reprice(quote)
        audit.record("training.participant_added", enrolment, actor=actor, client=quote.client)
    return enrolment


def withdraw_participant(*, now: datetime, actor: Any, enrolment: Enrolment) -> Enrolment:
    """Before the first slot: withdrawn, the quote repriced. After: recorded as affecting
    the funding (art. 8.1.2), the price unchanged (art. 8.1.1, 10.2)."""
    quote = enrolment.quote
    _require_client_admin_or_staff(actor, quote.client)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise TrainingError(_("Cette inscription est déjà retirée."))
    started = now >= _first_start(quote.session)
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_at = now
        enrolment.affects_funding = started and quote.payment == Payment.FUNDER
        enrolment.save(update_fields=["status", "withdrawn_at", "affects_funding"])
        if not started:
            _reprice(quote)
        convocations.send_withdrawal(now=now, enrolment=enrolment)
        audit.record(
            "training.participant_withdrawn",
            enrolment,
            actor=actor,
            client=quote.client,
            details={"after_start": started, "clause": PARTICIPANT_CHANGES.short},
        )
    return enrolment


def active_enrolments(quote: Quote) -> list[Enrolment]:
    return list(quote.enrolments.filter(status=EnrolmentStatus.ACTIVE).order_by("pk"))


def billed_enrolments(quote: Quote) -> list[Enrolment]:
    """Those still enrolled, and those withdrawn after the start: their hours were planned."""
    start = _first_start(quote.session)
    return [
        e
        for e in quote.enrolments.order_by("pk")
        if e.status == EnrolmentStatus.ACTIVE
        or (e.withdrawn_at is not None and e.withdrawn_at >= start)
    ]


# -- cancellations (art. 10.2) ------------------------------------------------------------


def _client_invoice_draft(
    quote: Quote, lines: list[LineDraft], key: str, now: datetime, reason: str = ""
) -> InvoiceDraft:
    return InvoiceDraft(
        provider=quote.client.provider,
        client=quote.client,
        lines=lines,
        idempotency_key=key,
        due_on=contract_day(now) + timedelta(days=PAYMENT_DAYS),
        reason=reason,
    )


def vat_of(provider_id: int) -> tuple[Decimal, str]:
    """The VAT of a training line: exempt (category E, rate 0) when the organisation
    states it is exempt under CGI art. 261-4-4° a, else the standard rate."""
    exempt = OrganisationProfile.objects.filter(provider_id=provider_id, vat_exempt=True).exists()
    return (Decimal("0.00"), VatCategory.EXEMPT) if exempt else (VAT_RATE, VatCategory.STANDARD)


def _line(quote: Quote, description: str, amount: Decimal, clause: ClauseRef) -> LineDraft:
    rate, category = vat_of(quote.provider_id)
    return LineDraft(
        description=description[:300],
        unit_price_ht=to_cents(amount),
        vat_rate=rate,
        vat_category=category,
        clause=str(clause.short),
    )


def cancel_by_client(*, now: datetime, actor: Any, quote: Quote) -> Quote:
    """Art. 10.2 §1: free until one month before the start; later, billed in full."""
    _require_client_admin_or_staff(actor, quote.client)
    if quote.status != QuoteStatus.ACCEPTED:
        raise TrainingError(_("Ce devis est déjà annulé ou facturé."))
    pack = training_pack(quote.client)
    starts_on = contract_day(_first_start(quote.session), pack)
    change = client_training_change(starts_on, now, pack)
    with transaction.atomic():
        quote.status = QuoteStatus.CANCELLED
        quote.cancelled_at = now
        quote.cancellation_clause = change.clause.short
        quote.cancellation_billed = change.billed
        if change.billed:
            title = quote.session.training.title
            line = _line(
                quote,
                _("Formation « %(title)s » annulée après le %(day)s : due en totalité")
                % {"title": title, "day": change.last_day.isoformat()},
                quote.price_ht,
                change.clause,
            )
            key = f"training:quote:{quote.pk}:late-cancellation"
            (invoice,) = issue_many(
                now=now, drafts=[_client_invoice_draft(quote, [line], key, now)]
            )
            quote.client_invoice = invoice
        quote.save()
        convocations.send_cancellation(
            now=now, session=quote.session, enrolments=active_enrolments(quote)
        )
        audit.record(
            "training.cancelled_by_client",
            quote,
            actor=actor,
            client=quote.client,
            details={"billed": change.billed, "last_free_day": change.last_day.isoformat()},
        )
    return quote


def cancel_by_provider(*, now: datetime, actor: Any, session: TrainingSession) -> TrainingSession:
    """Art. 10.2 §2: too few participants, at the latest seven days before the start.

    Each client then chooses a refund or a credit note (`choose_settlement`)."""
    _require_staff(actor, session.provider_id, STAFF_EDITORS)
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError(_("Cette session n'est plus programmée."))
    quotes = list(session.quotes.filter(status=QuoteStatus.ACCEPTED).select_related("client"))
    starts_at = _first_start(session)
    for quote in quotes[:1]:
        pack = training_pack(quote.client)
        result = provider_training_change(contract_day(starts_at, pack), now, pack)
        if not result.change.allowed:
            raise TrainingError(
                _("Annulation possible jusqu'au %(day)s seulement (%(clause)s).")
                % {"day": result.change.last_day.isoformat(), "clause": result.change.clause.short},
                "too_late_to_cancel",
            )
    with transaction.atomic():
        session.status = SessionStatus.CANCELLED
        session.save(update_fields=["status"])
        for quote in quotes:
            quote.status = QuoteStatus.CANCELLED
            quote.cancelled_at = now
            quote.cancellation_clause = "Art. 10.2"
            quote.save(update_fields=["status", "cancelled_at", "cancellation_clause"])
        convocations.send_cancellation(
            now=now,
            session=session,
            enrolments=[e for quote in quotes for e in active_enrolments(quote)],
        )
        audit.record(
            "training.cancelled_by_provider", session, actor=actor, provider=session.provider
        )
    return session


def choose_settlement(*, now: datetime, actor: Any, quote: Quote, settlement: str) -> Quote:
    """The client's choice after a provider's cancellation: refund or credit note (10.2).

    An invoice already issued for the quote is cancelled by a credit note either way; the
    refund itself is a payment, recorded by billing."""
    _require_client_admin_or_staff(actor, quote.client)
    if settlement not in Settlement.values:
        raise TrainingError(_("Choisissez un remboursement ou un avoir."))
    if quote.session.status != SessionStatus.CANCELLED or quote.cancellation_billed:
        raise TrainingError(_("Seule une formation annulée par le prestataire se règle ainsi."))
    if quote.settlement:
        raise TrainingError(_("Le choix est déjà enregistré."), "already_chosen")
    with transaction.atomic():
        quote.settlement = settlement
        quote.save(update_fields=["settlement"])
        invoice = quote.client_invoice
        if invoice is not None:
            credit = InvoiceDraft(
                provider=quote.client.provider,
                client=quote.client,
                lines=[
                    LineDraft(
                        description=line.description,
                        unit_price_ht=line.unit_price_ht,
                        vat_rate=line.vat_rate,
                        vat_category=line.vat_category,
                        quantity=line.quantity,
                        clause="Art. 10.2",
                    )
                    for line in invoice.lines.all()
                ],
                idempotency_key=f"training:quote:{quote.pk}:provider-cancellation",
                due_on=contract_day(now),
                kind=InvoiceKind.CREDIT_NOTE,
                corrects=invoice,
                reason=_("Formation annulée par le prestataire (art. 10.2)"),
            )
            issue_many(now=now, drafts=[credit])
        audit.record(
            "training.settlement_chosen",
            quote,
            actor=actor,
            client=quote.client,
            details={"settlement": settlement},
        )
    return quote


# -- attendance evidence ------------------------------------------------------------------


def _canonical(statement: dict[str, Any]) -> str:
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_digest(previous: str, statement: dict[str, Any]) -> str:
    return hashlib.sha256(f"{previous}\n{_canonical(statement)}".encode()).hexdigest()


def _append_signature(
    *,
    now: datetime,
    slot: Slot,
    signer: Person,
    role: str,
    enrolment: Enrolment | None,
    ip: str | None,
    extra: dict[str, Any],
) -> Signature:
    session = TrainingSession.objects.select_for_update().get(pk=slot.session_id)
    last = Signature.objects.filter(session=session).order_by("-pk").first()
    previous = last.digest if last else ""
    statement = {
        "session": session.pk,
        "slot": {"day": slot.day.isoformat(), "half": slot.half, "id": slot.pk},
        "signer": {"id": signer.pk, "email": signer.email},
        "role": role,
        "enrolment": enrolment.pk if enrolment else None,
        "signed_at": now.isoformat(),
        "ip": ip,
        **extra,
    }
    return Signature.objects.create(
        session=session,
        slot=slot,
        enrolment=enrolment,
        signer=signer,
        role=role,
        signed_at=now,
        ip=ip,
        statement=statement,
        previous_digest=previous,
        digest=chain_digest(previous, statement),
    )


def verify_chain(session: TrainingSession) -> list[int]:
    """The signatures whose digest no longer follows from the chain (empty: intact)."""
    broken: list[int] = []
    previous = ""
    for signature in Signature.objects.filter(session=session).order_by("pk"):
        expected = chain_digest(previous, signature.statement)
        if signature.previous_digest != previous or signature.digest != expected:
            broken.append(signature.pk)
        previous = signature.digest
    return broken


def _enrolment_on(slot: Slot, person: Person) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(
            quote__session_id=slot.session_id,
            quote__status=QuoteStatus.ACCEPTED,
            participant=person,
            status=EnrolmentStatus.ACTIVE,
        )
        .select_related("quote")
        .first()
    )
    if enrolment is None:
        raise NotAllowed(_("Demi-journée introuvable."))
    return enrolment


def sign_half_day(*, now: datetime, actor: Person, slot: Slot, ip: str | None) -> Signature:
    """The participant signs the half-day they attend, from its start until validated."""
    enrolment = _enrolment_on(slot, actor)
    if now < slot.starts_at:
        raise TrainingError(_("La demi-journée n'a pas commencé."), "not_started")
    if slot.validated_at is not None:
        raise TrainingError(_("La demi-journée est déjà validée par le formateur."), "validated")
    with transaction.atomic():
        if Signature.objects.filter(
            slot=slot, enrolment=enrolment, role=SignerRole.PARTICIPANT
        ).exists():
            raise TrainingError(_("Vous avez déjà signé cette demi-journée."), "already_signed")
        signature = _append_signature(
            now=now,
            slot=slot,
            signer=actor,
            role=SignerRole.PARTICIPANT,
            enrolment=enrolment,
            ip=ip,
            extra={},
        )
        Attendance.objects.get_or_create(
            enrolment=enrolment,
            slot=slot,
            defaults={"status": Presence.PRESENT, "minutes": slot.minutes},
        )
    return signature


def mark_attendance(
    *,
    actor: Any,
    slot: Slot,
    enrolment: Enrolment,
    status: str,
    minutes: int | None = None,
) -> Attendance:
    """The trainer's status for one participant and half-day, before validation."""
    _require_trainer(actor, slot.session)
    if enrolment.quote.session_id != slot.session_id:
        raise NotAllowed(_("Inscription introuvable."))
    if slot.validated_at is not None:
        raise TrainingError(_("La demi-journée est déjà validée."), "validated")
    if status not in Presence.values:
        raise TrainingError(_("Présence inconnue."))
    if status == Presence.PARTIAL:
        if minutes is None or not 0 < minutes < slot.minutes:
            raise TrainingError(
                _("Présence partielle : entre 1 et %(max)s minutes.") % {"max": slot.minutes - 1},
                "invalid_minutes",
            )
    else:
        minutes = slot.minutes if status == Presence.PRESENT else 0
    attendance, _created = Attendance.objects.update_or_create(
        enrolment=enrolment, slot=slot, defaults={"status": status, "minutes": minutes}
    )
    return attendance


def validate_half_day(*, now: datetime, actor: Any, slot: Slot, ip: str | None) -> Signature:
    """The trainer countersigns the half-day: every participant has a status, and those
    present signed. Who has no status by then is absent. On a remote half-day, a
    participant's recorded connection caps their presence (remote.py, 90 % threshold)."""
    session = slot.session
    _require_trainer(actor, session)
    if now < slot.ends_at - timedelta(minutes=30):
        raise TrainingError(_("Validez la demi-journée à sa fin."), "too_early")
    if slot.validated_at is not None:
        raise TrainingError(_("La demi-journée est déjà validée."), "validated")
    with transaction.atomic():
        enrolments = [
            e
            for quote in session.quotes.filter(status=QuoteStatus.ACCEPTED)
            for e in active_enrolments(quote)
        ]
        statuses: dict[str, Any] = {}
        # A remote half-day: the room's join/leave intervals are recorded, and propose the
        # status of a participant who signed and has none from the trainer (remote.py).
        connected = remote.record(slot, enrolments) if session.room_name else {}
        for enrolment in enrolments:
            signed = Signature.objects.filter(
                slot=slot, enrolment=enrolment, role=SignerRole.PARTICIPANT
            ).exists()
            status, minutes = str(Presence.ABSENT), 0
            if signed and enrolment.pk in connected:
                status, minutes = remote.proposed(connected[enrolment.pk], slot.minutes)
            attendance, _created = Attendance.objects.get_or_create(
                enrolment=enrolment, slot=slot, defaults={"status": status, "minutes": minutes}
            )
            if enrolment.pk in connected:
                capped = remote.capped(
                    attendance.status, attendance.minutes, connected[enrolment.pk], slot.minutes
                )
                if capped != (attendance.status, attendance.minutes):
                    attendance.status, attendance.minutes = capped
                    attendance.save(update_fields=["status", "minutes"])
            present = attendance.status in (Presence.PRESENT, Presence.PARTIAL)
            if present and not signed:
                raise TrainingError(
                    _(
                        "%(who)s est noté présent sans avoir signé : "
                        "marquez-le absent ou faites-le signer."
                    )
                    % {"who": enrolment.participant.email},
                    "unsigned_presence",
                )
            statuses[str(enrolment.pk)] = [attendance.status, attendance.minutes]
        signature = _append_signature(
            now=now,
            slot=slot,
            signer=session.trainer.person if actor is None else actor,
            role=SignerRole.TRAINER,
            enrolment=None,
            ip=ip,
            extra={"attendance": statuses},
        )
        slot.validated_at = now
        slot.save(update_fields=["validated_at"])
    return signature


# -- e-learning (our module player; no SCORM) ---------------------------------------------


def record_module_progress(
    *,
    now: datetime,
    actor: Person,
    enrolment: Enrolment,
    module: Module,
    minutes: int,
    completed: bool,
) -> ModuleProgress:
    """Time spent in a module, added up; completed once the player's last page is read."""
    if enrolment.participant_id != actor.pk or enrolment.status != EnrolmentStatus.ACTIVE:
        raise NotAllowed(_("Module introuvable."))
    if module.training_id != enrolment.quote.session.training_id:
        raise NotAllowed(_("Module introuvable."))
    if minutes < 0 or minutes > 24 * 60:
        raise TrainingError(_("Durée invalide."), "invalid_minutes")
    access.require_open(now, enrolment)  # art. 7.2.1
    with transaction.atomic():
        progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
            enrolment=enrolment, module=module
        )
        progress.minutes_spent += minutes
        if completed and progress.completed_at is None:
            progress.completed_at = now
        progress.save()
    return progress


# -- hours ----------------------------------------------------------------------------------


def attended_hours(attendance: Attendance) -> Decimal:
    if attendance.status == Presence.PRESENT:
        return attendance.slot.hours
    if attendance.status == Presence.PARTIAL:
        return (Decimal(min(attendance.minutes, attendance.slot.minutes)) / 60).quantize(HOURS)
    return Decimal("0.00")


def enrolment_hours(
    enrolment: Enrolment, *, require_validated: bool = True
) -> splitting.ParticipantHours:
    """Planned hours (the training's duration) and done hours: validated half-days
    attended and completed e-learning modules."""
    session = enrolment.quote.session
    done = Decimal("0.00")
    slots = list(session.slots.all())
    if require_validated:
        pending = [s for s in slots if s.validated_at is None]
        if pending:
            raise HoursMismatch(
                _("La demi-journée du %(day)s (%(half)s) n'est pas validée par le formateur.")
                % {"day": pending[0].day.isoformat(), "half": pending[0].get_half_display()},
                "half_day_not_validated",
            )
    for attendance in enrolment.attendances.select_related("slot"):
        if attendance.slot.validated_at is not None:
            done += attended_hours(attendance)
    for progress in enrolment.progress.select_related("module"):
        if progress.completed_at is not None:
            done += progress.module.hours
    planned = session.training.duration_hours
    return splitting.ParticipantHours(planned, min(done, planned))


# -- OPCO funding ---------------------------------------------------------------------------


def request_funding(
    *,
    now: datetime,
    actor: Any,
    quote: Quote,
    funder: Funder,
    file_number: str,
    amount_ht: Decimal,
    scheme: str = FundingScheme.SKILLS_PLAN,
) -> FundingRequest:
    """A funding request to an OPCO for a quote (art. 8.2.4: asked by the client before
    the start). Refused below the subrogation minimum (3,000 € HT). `scheme` is the
    dispositif the OPCO funds it under (the BPF's line C-2 a to h)."""
    _require_client_admin_or_staff(actor, quote.client)
    if scheme not in FundingScheme.values:
        raise TrainingError(
            _("Dispositif inconnu : %(scheme)s.") % {"scheme": scheme}, "unknown_scheme"
        )
    if funder.provider_id != quote.provider_id:
        raise NotAllowed(_("Financeur introuvable."))
    if quote.status != QuoteStatus.ACCEPTED:
        raise TrainingError(_("Ce devis est annulé ou facturé."))
    pack = training_pack(quote.client)
    if not opco_subrogation_allowed(quote.price_ht, pack):
        minimum = pack.amount("opco.subrogation_minimum")
        raise TrainingError(
            _(
                "Pas de subrogation pour un devis de moins de %(minimum)s € HT "
                "(%(clause)s) : le client règle et se fait rembourser par son OPCO."
            )
            % {"minimum": minimum, "clause": pack.clause("opco.subrogation_minimum").short},
            "below_subrogation_minimum",
        )
    file_number = " ".join((file_number or "").split())
    if not file_number:
        raise TrainingError(_("Le numéro de dossier est obligatoire."), "file_number_required")
    if amount_ht <= 0:
        raise TrainingError(_("Le montant demandé doit être positif."))
    with transaction.atomic():
        if FundingRequest.objects.filter(quote=quote).exists():
            raise TrainingError(_("Ce devis a déjà une demande de prise en charge."), "duplicate")
        request = FundingRequest.objects.create(
            quote=quote,
            funder=funder,
            file_number=file_number[:100],
            scheme=scheme,
            amount_requested_ht=to_cents(amount_ht),
            requested_at=now,
        )
        quote.payment = Payment.FUNDER
        quote.save(update_fields=["payment"])
        audit.record("training.funding_requested", request, actor=actor, client=quote.client)
    return request


def record_agreement(
    *,
    now: datetime,
    actor: Any,
    request: FundingRequest,
    reference: str,
    covered_ht: Decimal,
    covered_hours: Decimal,
    received_at: datetime,
) -> FundingRequest:
    """The OPCO's agreement: covered amount HT, hours-trainees, the day it reached us."""
    _require_staff(actor, request.quote.provider_id)
    reference = " ".join((reference or "").split())
    if not reference:
        raise TrainingError(_("La référence de l'accord est obligatoire."), "reference_required")
    if covered_ht <= 0 or covered_hours <= 0:
        raise TrainingError(_("Montant et heures pris en charge doivent être positifs."))
    if received_at > now:
        raise TrainingError(_("Un accord ne peut pas être reçu dans le futur."))
    if request.has_agreement:
        raise TrainingError(_("L'accord est déjà enregistré."), "duplicate")
    if request.refused_at is not None:
        raise TrainingError(_("Cette demande a été refusée par l'OPCO."), "refused")
    request.agreement_reference = reference[:100]
    request.covered_ht = to_cents(covered_ht)
    request.covered_hours = covered_hours.quantize(HOURS)
    request.agreement_received_at = received_at
    request.save()
    audit.record("training.agreement_recorded", request, actor=actor, client=request.quote.client)
    return request


def record_refusal(
    *, now: datetime, actor: Any, request: FundingRequest, reason: str, received_at: datetime
) -> FundingRequest:
    """The OPCO refuses the request: no agreement, so the whole training is due by the
    client on its first day (art. 8.2.4), as when no agreement arrives in time."""
    _require_staff(actor, request.quote.provider_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise TrainingError(_("Le motif du refus est obligatoire."), "reason_required")
    if received_at > now:
        raise TrainingError(_("Un refus ne peut pas être reçu dans le futur."))
    if request.has_agreement:
        raise TrainingError(_("L'accord est déjà enregistré."), "duplicate")
    if request.refused_at is not None:
        raise TrainingError(_("Le refus est déjà enregistré."), "duplicate")
    request.refused_at = received_at
    request.refusal_reason = reason[:300]
    request.save(update_fields=["refused_at", "refusal_reason"])
    audit.record(
        "training.funding_refused",
        request,
        actor=actor,
        client=request.quote.client,
        details={"reason": request.refusal_reason, "clause": "Art. 8.2.4"},
    )
    return request


# -- billing --------------------------------------------------------------------------------


def quote_split(quote: Quote, *, require_validated: bool = True) -> splitting.Split:
    request = FundingRequest.objects.filter(quote=quote).first()
    participants = [
        enrolment_hours(e, require_validated=require_validated) for e in billed_enrolments(quote)
    ]
    if not participants:
        raise TrainingError(
            _("Ce devis n'a plus de participant : annulez-le plutôt que de le facturer."),
            "no_participant",
        )
    return splitting.split_quote(
        price_ht=quote.price_ht,
        funded=quote.payment == Payment.FUNDER and request is not None,
        participants=participants,
        starts_at=_first_start(quote.session),
        covered_ht=request.covered_ht if request else None,
        covered_hours=request.covered_hours if request else None,
        agreement_received_at=request.agreement_received_at if request else None,
        pack=training_pack(quote.client),
    )


def _describe(quote: Quote, line: splitting.SplitLine) -> str:
    title = quote.session.training.title
    words = {
        "full": _("Formation « %(title)s » — %(hours)s h prévues"),
        "covered": _("Formation « %(title)s » — part prise en charge, %(hours)s h réalisées"),
        "uncovered": _(
            "Formation « %(title)s » — part non prise en charge par l'OPCO (%(hours)s h)"
        ),
        "not_done": _(
            "Formation « %(title)s » — %(hours)s h d'absence ou d'e-learning non réalisé, "
            "non facturables à l'OPCO"
        ),
        "non_payment": _("Formation « %(title)s » — défaut de paiement de l'OPCO (%(hours)s h)"),
    }
    return words[line.part] % {"title": title, "hours": number_format(line.hours, 2)}


def bill_first_day(*, now: datetime, quote: Quote) -> Invoice | None:
    """Art. 8.2.4: no agreement in time (or under the minimum) -> the whole training to
    the client on its first day. None when the quote is not in that case (yet)."""
    if quote.status != QuoteStatus.ACCEPTED or quote.client_invoice_id is not None:
        return None
    if quote.payment != Payment.FUNDER or now < _first_start(quote.session):
        return None
    split = quote_split(quote, require_validated=False)
    if (split.subrogation and split.client_billed_on is None) or not split.lines:
        return None
    with transaction.atomic():
        (line,) = split.lines
        draft = _client_invoice_draft(
            quote,
            [_line(quote, _describe(quote, line), line.amount_ht, line.clause)],
            f"training:quote:{quote.pk}:client",
            now,
        )
        (invoice,) = issue_many(now=now, drafts=[draft])
        quote.client_invoice = invoice
        quote.status = QuoteStatus.BILLED
        quote.save(update_fields=["client_invoice", "status"])
        audit.record("training.billed_on_first_day", quote, client=quote.client)
    return invoice


def bill_first_days(now: datetime) -> int:
    """The scheduler's job: bill on day 1 the funded quotes without an agreement in time."""
    count = 0
    candidates = Quote.objects.filter(
        status=QuoteStatus.ACCEPTED,
        payment=Payment.FUNDER,
        client_invoice__isnull=True,
        session__slots__starts_at__lte=now,
    ).distinct()
    for quote in candidates:
        try:
            if bill_first_day(now=now, quote=quote) is not None:
                count += 1
        except DomainError:
            # A quote the rules refuse to bill (no participant left) waits for staff;
            # the others are still billed.
            logger.warning("training quote %s not billed on its first day", quote.pk, exc_info=True)
    return count


def _check_certificates(quote: Quote, enrolments: list[Enrolment]) -> None:
    for enrolment in enrolments:
        certificate = TrainingDocument.objects.filter(
            kind=DocumentKind.CERTIFICATE, enrolment=enrolment
        ).first()
        if certificate is None:
            continue
        hours = enrolment_hours(enrolment).done
        if certificate.hours != hours:
            raise HoursMismatch(
                _(
                    "Le certificat de réalisation de %(who)s indique %(cert)s h, les "
                    "feuilles d'émargement et l'e-learning %(done)s h."
                )
                % {"who": enrolment.participant.email, "cert": certificate.hours, "done": hours},
            )


def require_billing_staff(actor: Any, quote: Quote) -> None:
    _require_staff(actor, quote.provider_id, BILLING_STAFF)


def settle(
    *, now: datetime, actor: Any, quote: Quote, evidence: tuple[Attachment, ...] = ()
) -> list[Invoice]:
    """After the training: the OPCO's invoice (covered, attended and completed hours) and
    the client's (the rest), each line citing its clause and hours, in one issue. The
    OPCO's e-mail carries `evidence` (the sheets and certificates, art. 8.2.4: built by
    `settlement.settle`, which pages and API call)."""
    _require_staff(actor, quote.provider_id, BILLING_STAFF)
    if quote.status == QuoteStatus.BILLED:
        return [i for i in (quote.funder_invoice, quote.client_invoice) if i is not None]
    if quote.status != QuoteStatus.ACCEPTED:
        raise TrainingError(_("Ce devis est annulé."))
    if now < _last_end(quote.session):
        raise TrainingError(_("La formation n'est pas terminée."), "not_finished")
    first_day = bill_first_day(now=now, quote=quote)
    if first_day is not None:
        return [first_day]
    enrolments = billed_enrolments(quote)
    split = quote_split(quote)
    _check_certificates(quote, enrolments)
    request = FundingRequest.objects.filter(quote=quote).first()
    drafts: list[InvoiceDraft] = []
    opco_lines = split.of("opco")
    if opco_lines:
        assert request is not None
        if split.hours("opco") > (request.covered_hours or Decimal(0)):
            raise HoursMismatch(
                _("L'OPCO serait facturé de %(billed)s h pour %(agreed)s h accordées.")
                % {"billed": split.hours("opco"), "agreed": request.covered_hours}
            )
        drafts.append(
            InvoiceDraft(
                provider=quote.client.provider,
                client=quote.client,
                lines=[
                    _line(quote, _describe(quote, part), part.amount_ht, part.clause)
                    for part in opco_lines
                ],
                idempotency_key=f"training:quote:{quote.pk}:opco",
                due_on=contract_day(now) + timedelta(days=PAYMENT_DAYS),
                funder=request.funder,
                funding_reference=(request.agreement_reference or request.file_number)[:100],
                attachments=evidence,
            )
        )
    client_lines = split.of("client")
    if client_lines:
        drafts.append(
            _client_invoice_draft(
                quote,
                [
                    _line(quote, _describe(quote, part), part.amount_ht, part.clause)
                    for part in client_lines
                ],
                f"training:quote:{quote.pk}:client",
                now,
            )
        )
    with transaction.atomic():
        invoices = issue_many(now=now, drafts=drafts)
        for draft, invoice in zip(drafts, invoices, strict=True):
            if draft.funder is not None:
                quote.funder_invoice = invoice
            else:
                quote.client_invoice = invoice
        quote.status = QuoteStatus.BILLED
        quote.save(update_fields=["funder_invoice", "client_invoice", "status"])
        quote.session.status = SessionStatus.DONE
        quote.session.save(update_fields=["status"])
        audit.record(
            "training.settled",
            quote,
            actor=actor,
            client=quote.client,
            details={
                "opco_ht": str(split.total("opco")),
                "client_ht": str(split.total("client")),
                "opco_hours": str(split.hours("opco")),
            },
        )
    return invoices


def funder_non_payment(*, now: datetime, actor: Any, request: FundingRequest) -> Invoice:
    """Art. 8.2.4: the OPCO does not pay, whatever the cause -> the invoice becomes due by
    the client: a credit note cancels the OPCO's invoice, the client is invoiced the same."""
    _require_staff(actor, request.quote.provider_id, BILLING_STAFF)
    quote = request.quote
    opco_invoice = quote.funder_invoice
    if opco_invoice is None:
        raise TrainingError(_("Aucune facture n'a été adressée à l'OPCO."), "no_funder_invoice")
    if request.fallback_invoice_id is not None:
        assert request.fallback_invoice is not None
        return request.fallback_invoice
    pack = training_pack(quote.client)
    clause = pack.clause(splitting.FUNDER_NON_PAYMENT_KEY)
    lines = list(opco_invoice.lines.all())
    credit = InvoiceDraft(
        provider=quote.client.provider,
        client=quote.client,
        lines=[
            LineDraft(
                description=line.description,
                unit_price_ht=line.unit_price_ht,
                vat_rate=line.vat_rate,
                vat_category=line.vat_category,
                quantity=line.quantity,
                clause=clause.short,
            )
            for line in lines
        ],
        idempotency_key=f"training:quote:{quote.pk}:opco-credit",
        due_on=contract_day(now),
        kind=InvoiceKind.CREDIT_NOTE,
        corrects=opco_invoice,
        reason=_("Défaut de paiement de l'OPCO (art. 8.2.4)"),
        funder=request.funder,
        funding_reference=opco_invoice.funding_reference,
    )
    fallback = _client_invoice_draft(
        quote,
        [
            _line(
                quote,
                _describe(
                    quote,
                    splitting.SplitLine(
                        "client",
                        "non_payment",
                        quote_split(quote).hours("opco"),
                        opco_invoice.total_ht,
                        clause,
                    ),
                ),
                opco_invoice.total_ht,
                clause,
            )
        ],
        f"training:quote:{quote.pk}:opco-fallback",
        now,
        reason=_("Facture de l'OPCO %(number)s impayée") % {"number": opco_invoice.display_number},
    )
    with transaction.atomic():
        _credit, invoice = issue_many(now=now, drafts=[credit, fallback])
        request.non_payment_at = now
        request.fallback_invoice = invoice
        request.save(update_fields=["non_payment_at", "fallback_invoice"])
        audit.record("training.funder_non_payment", request, actor=actor, client=quote.client)
    return invoice
