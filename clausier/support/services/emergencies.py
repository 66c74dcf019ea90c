"""Emergency requests and their interventions (art. 3.3, 5, 8.1, 14).

The clock starts at contact (a phone call's time, as staff logged it); a phone request
is then confirmed in writing by the client. The intervention's start ends the GTI; the
service restored ends the GTR, third-party parts and backup restores excluded; the end
records the time spent and bills what the client agreed to (billing's overage flow).
Every transition is a conditional UPDATE, so two engineers never start one twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts.models import Person
from clausier.billing.subscriptions.overage import bill_overage
from clausier.core import audit
from clausier.monitoring.models import ManagedServer
from clausier.support.clock import gti_outcome, gtr_outcome, pauses_until
from clausier.support.errors import NotSupportStaff, SupportError
from clausier.support.models import (
    Channel,
    CreditKind,
    EmergencyRequest,
    FaultKind,
    InterventionPause,
    PauseReason,
)
from clausier.support.services.contract import (
    calendar_of,
    is_client_user,
    pack_of_client,
    require_party,
    require_support_staff,
)
from clausier.support.services.credits import issue_credit
from clausier.support.services.outbound import mail_fault, page_on_call
from clausier.terms.packs import Pack
from clausier.terms.rules.managed_hosting import (
    EmergencyQuota,
    GtiDeadline,
    GtrCredit,
    Pause,
    SlaCredit,
    emergency_quota,
    gti_deadline,
)
from clausier.terms.zone import contract_day

# Parts a third party replaces: nobody works, so it is not time spent (art. 8.1 read
# against the drafter); a backup restore is work, only excluded from the GTR (art. 14).
NOT_WORKED = frozenset({PauseReason.THIRD_PARTY_PARTS})


def request_emergency(
    *,
    now: datetime,
    server: ManagedServer,
    channel: str,
    description: str,
    actor: Person | None,
    contacted_at: datetime | None = None,
    blocking: bool = True,
) -> EmergencyRequest:
    """Log an emergency; its GTI deadline and its rank in the server's contract year."""
    if channel not in Channel.values:
        raise SupportError(_("Canal inconnu."), "invalid_channel")
    if not description.strip():
        raise SupportError(_("Décrivez la panne."), "invalid_emergency")
    if channel == Channel.PHONE:
        # Only staff take calls; the call's time is the contact, not the logging.
        if actor is None:
            raise NotSupportStaff(_("Un appel est saisi par le prestataire."))
        require_support_staff(actor, server.provider_id)
        if contacted_at is None:
            raise SupportError(_("Indiquez l'heure de l'appel."), "missing_call_time")
    elif actor is not None:
        require_party(actor, server.provider_id, server.client_id)
    contacted_at = contacted_at or now
    if contacted_at > now:
        raise SupportError(_("L'heure de contact est dans le futur."), "invalid_contact_time")
    client = server.client
    pack = pack_of_client(client)
    gti = gti_deadline(contacted_at, pack, calendar_of(client, pack))
    with transaction.atomic():
        # The rank in the year is counted under a lock on the server: two requests at
        # once never both take the fourth place.
        locked = ManagedServer.objects.select_for_update().get(pk=server.pk)
        start = _contract_start(locked, pack)
        requested_on = contract_day(contacted_at, pack)
        if requested_on < start:
            raise SupportError(
                _("Cette date précède le début du contrat (art. 8.1)."), "before_contract"
            )
        previous = [
            contract_day(at, pack)
            for at in EmergencyRequest.objects.filter(server=locked).values_list(
                "contacted_at", flat=True
            )
        ]
        quota = emergency_quota(start, previous, requested_on, pack)
        request = EmergencyRequest.objects.create(
            provider_id=server.provider_id,
            client=client,
            server=locked,
            channel=channel,
            description=description.strip(),
            blocking=blocking,
            contacted_at=contacted_at,
            logged_by=actor,
            confirmed_at=None if channel == Channel.PHONE else contacted_at,
            gti_due_at=gti.deadline,
            gti_in_office_hours=gti.in_office_hours,
            gti_clause=str(gti.clause),
            year_start=quota.year_start,
            year_end=quota.year_end,
            number_in_year=quota.used_before + 1,
            within_quota=quota.within_quota,
            created_at=now,
        )
        audit.record(
            "support.emergency_requested",
            request,
            actor=actor,
            provider=client.provider,
            client=client,
            details={"channel": channel, "within_quota": quota.within_quota},
        )
        page_on_call(request, now)
    return request


def _audit(action: str, request: EmergencyRequest, actor: Person, **details: object) -> None:
    audit.record(
        action,
        request,
        actor=actor,
        provider=request.client.provider,
        client=request.client,
        details=details,
    )


def _contract_start(server: ManagedServer, pack: Pack) -> date:
    """The contract year counts from the subscription's start, else the server's entry."""
    subscription = server.subscription
    if subscription is not None and subscription.start_date is not None:
        return subscription.start_date
    return contract_day(server.created_at, pack)


def confirm_in_writing(
    *, now: datetime, request: EmergencyRequest, actor: Person
) -> EmergencyRequest:
    """The client confirms a phone request in writing (portal or reply)."""
    if not is_client_user(actor, request.client_id):
        raise NotSupportStaff(_("Seul le client confirme sa demande."))
    changed = EmergencyRequest.objects.filter(pk=request.pk, confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    if not changed:
        raise SupportError(_("Cette demande est déjà confirmée."), "already_confirmed")
    request.confirmed_at = now
    _audit("support.emergency_confirmed", request, actor, clause="Art. 5")
    return request


def _transition(request: EmergencyRequest, field: str, value: object, **where: object) -> None:
    changed = EmergencyRequest.objects.filter(pk=request.pk, **where).update(**{field: value})
    if not changed:
        request.refresh_from_db()
        raise SupportError(_("L'intervention n'est pas dans l'état attendu."), "invalid_state")
    setattr(request, field, value)


def start_intervention(
    *, now: datetime, request: EmergencyRequest, actor: Person
) -> EmergencyRequest:
    """First diagnosis: the GTI stops; its credit, if late, goes to billing at once."""
    require_support_staff(actor, request.provider_id)
    if now < request.contacted_at:
        raise SupportError(_("Une intervention ne commence pas avant la demande."), "invalid_state")
    with transaction.atomic():
        _transition(request, "started_at", now, started_at__isnull=True)
        # Art. 5 "Support": outside office hours, billable only after the client accepts.
        pack = pack_of_client(request.client)
        out_of_hours = not calendar_of(request.client, pack).is_open(now)
        EmergencyRequest.objects.filter(pk=request.pk).update(
            engineer=actor, out_of_hours=out_of_hours
        )
        request.engineer, request.out_of_hours = actor, out_of_hours
        settle_gti(request, now)
        _audit("support.intervention_started", request, actor, clause=request.gti_clause)
    return request


def _require_running(request: EmergencyRequest) -> None:
    if request.started_at is None or request.ended_at is not None:
        raise SupportError(_("L'intervention n'est pas en cours."), "invalid_state")


def pause(
    *, now: datetime, request: EmergencyRequest, actor: Person, reason: str
) -> InterventionPause:
    require_support_staff(actor, request.provider_id)
    _require_running(request)
    if request.restored_at is not None:
        raise SupportError(_("Le service est déjà rétabli."), "invalid_state")
    if reason not in PauseReason.values:
        raise SupportError(_("Motif de pause inconnu."), "invalid_reason")
    if request.pauses.filter(ended_at__isnull=True).exists():
        raise SupportError(_("L'intervention est déjà en pause."), "invalid_state")
    with transaction.atomic():
        row = InterventionPause.objects.create(request=request, reason=reason, started_at=now)
        _audit("support.intervention_paused", request, actor, reason=reason, clause="Art. 14")
    return row


def _close_pause(request: EmergencyRequest, now: datetime) -> bool:
    return bool(request.pauses.filter(ended_at__isnull=True).update(ended_at=now))


def resume(*, now: datetime, request: EmergencyRequest, actor: Person) -> EmergencyRequest:
    require_support_staff(actor, request.provider_id)
    _require_running(request)
    with transaction.atomic():
        if not _close_pause(request, now):
            raise SupportError(_("L'intervention n'est pas en pause."), "invalid_state")
        _audit("support.intervention_resumed", request, actor)
    return request


def restore(*, now: datetime, request: EmergencyRequest, actor: Person) -> EmergencyRequest:
    """Service restored: the GTR stops (for blocking failures of full-backup servers)."""
    require_support_staff(actor, request.provider_id)
    _require_running(request)
    with transaction.atomic():
        _close_pause(request, now)
        _transition(request, "restored_at", now, restored_at__isnull=True)
        settle_gtr(request, now)
        _audit("support.service_restored", request, actor, clause="Art. 14")
    return request


def end_intervention(
    *, now: datetime, request: EmergencyRequest, actor: Person
) -> EmergencyRequest:
    """The end: time spent recorded; billable time billed only as the client agreed."""
    require_support_staff(actor, request.provider_id)
    _require_running(request)
    with transaction.atomic():
        _close_pause(request, now)
        worked = _worked(request, now)
        EmergencyRequest.objects.filter(pk=request.pk).update(
            worked_minutes=int(worked // timedelta(minutes=1))
        )
        _transition(request, "ended_at", now, ended_at__isnull=True)
        request.worked_minutes = int(worked // timedelta(minutes=1))
        subscription = request.server.subscription
        if subscription is not None and request.started_at is not None:
            # Billing bills nothing without the client's recorded agreement (art. 5).
            bill_overage(
                now=now,
                subscription=subscription,
                intervention=request.reference,
                started_at=request.started_at,
                ended_at=now,
                # A failure not attributable to the servers is billable as a whole (art.
                # 5), still only after the client's recorded agreement.
                within_quota=request.within_quota and not request.fault,
            )
        _audit("support.intervention_ended", request, actor, worked_minutes=request.worked_minutes)
    return request


def record_fault(
    *, now: datetime, request: EmergencyRequest, actor: Person, fault: str, note: str
) -> EmergencyRequest:
    """Art. 5 "Panne non imputable au serveur": the engineer finds a client's mistake or a
    cause outside the maintained servers and informs the client at once (`now` is when
    the client was told, shown on the request). Effects: no GTR credit (art. 14 covers
    failures "imputable exclusivement à l'un des serveurs"; art. 7), and the intervention
    is billable at the rate in force once the client accepts the quote (art. 5); the
    client's administrators are mailed all this at once (`outbound.mail_fault`). The GTI
    credit, if any, stands: the delay in starting was the provider's whatever the cause.
    Recorded before the service is restored, so that no GTR credit was issued yet."""
    require_support_staff(actor, request.provider_id)
    if fault not in FaultKind.values:
        raise SupportError(_("Cause inconnue."), "invalid_fault")
    if not note.strip():
        raise SupportError(_("Décrivez ce qui a été constaté."), "invalid_fault")
    if request.started_at is None:
        raise SupportError(_("La cause se constate pendant l'intervention."), "invalid_state")
    with transaction.atomic():
        changed = EmergencyRequest.objects.filter(
            pk=request.pk, fault="", restored_at__isnull=True
        ).update(fault=fault, fault_note=note.strip()[:500], fault_informed_at=now)
        if not changed:
            raise SupportError(
                _("La cause se constate une fois, avant le rétablissement."), "invalid_state"
            )
        request.fault, request.fault_note = fault, note.strip()[:500]
        request.fault_informed_at = now
        _audit("support.fault_recorded", request, actor, fault=fault, clause="Art. 5, art. 7")
        # "Il en informe aussitôt le client" (art. 5): queued with the record, in its
        # transaction, so a fault is never recorded without its mail nor mailed twice.
        mail_fault(request, now)
    return request


def accept_out_of_hours(
    *, now: datetime, request: EmergencyRequest, actor: Person
) -> EmergencyRequest:
    """Art. 5 "Support": the client accepts that an intervention outside office hours may
    be billed on top of the fee."""
    if not is_client_user(actor, request.client_id):
        raise NotSupportStaff(_("Seul le client accepte cette facturation."))
    changed = EmergencyRequest.objects.filter(
        pk=request.pk, out_of_hours=True, out_of_hours_accepted_at__isnull=True
    ).update(out_of_hours_accepted_at=now)
    if not changed:
        raise SupportError(
            _("Rien à accepter : intervention en heures ouvrées ou déjà acceptée."),
            "invalid_state",
        )
    request.out_of_hours_accepted_at = now
    _audit("support.out_of_hours_accepted", request, actor, clause="Art. 5")
    return request


def pauses_of(request: EmergencyRequest, now: datetime) -> list[Pause]:
    closed = []
    open_since = None
    for row in request.pauses.all():
        if row.ended_at is None:
            open_since = (row.started_at, row.reason)
        else:
            closed.append(Pause(row.started_at, row.ended_at, row.reason))
    return pauses_until(closed, open_since, now)


def _worked(request: EmergencyRequest, now: datetime) -> timedelta:
    assert request.started_at is not None
    end = request.ended_at or now
    idle = timedelta(0)
    for p in pauses_of(request, end):
        if p.reason in NOT_WORKED:
            idle += min(p.end, end) - max(p.start, request.started_at)
    return max(end - request.started_at - idle, timedelta(0))


# -- outcomes ------------------------------------------------------------------------


def gti_of(request: EmergencyRequest) -> GtiDeadline:
    pack = pack_of_client(request.client)
    return GtiDeadline(
        request.contacted_at,
        request.gti_due_at,
        request.gti_in_office_hours,
        pack.clause("gti.deadline_ho" if request.gti_in_office_hours else "gti.deadline_hno"),
    )


def gti_status(request: EmergencyRequest, now: datetime) -> SlaCredit:
    pack = pack_of_client(request.client)
    fee = request.server.monthly_fee_ht
    return gti_outcome(gti_of(request), request.started_at, fee, pack, now)


def gtr_status(request: EmergencyRequest, now: datetime) -> GtrCredit | None:
    if request.started_at is None:
        return None
    pack = pack_of_client(request.client)
    return gtr_outcome(
        request.started_at,
        request.restored_at,
        request.server.monthly_fee_ht,
        pack,
        now,
        pauses=pauses_of(request, request.restored_at or now),
        full_backup=request.server.full_backup,
        # Art. 14: "panne bloquante imputable exclusivement à l'un des serveurs"; art. 7
        # excludes what comes "du fait du Client" or from another product.
        blocking=request.blocking and not request.fault,
    )


def settle_gti(request: EmergencyRequest, now: datetime) -> None:
    if request.started_at is None:
        return
    credit = gti_status(request, now)
    issue_credit(
        request=request,
        kind=CreditKind.GTI,
        amount=credit.amount,
        clause=str(credit.clause),
        now=now,
    )


def settle_gtr(request: EmergencyRequest, now: datetime) -> None:
    credit = gtr_status(request, now)
    if credit is None or request.restored_at is None or not credit.eligible:
        return
    issue_credit(
        request=request,
        kind=CreditKind.GTR,
        amount=credit.amount,
        clause=str(credit.clause),
        now=now,
    )


def settle_month_end(now: datetime) -> int:
    """The month-end job: every final GTI/GTR not yet credited; safe to run again."""
    issued = 0
    gti_pending = EmergencyRequest.objects.filter(started_at__isnull=False).exclude(
        credits__kind=CreditKind.GTI
    )
    for request in gti_pending.order_by("contacted_at", "pk").select_related("server").iterator():
        settle_gti(request, now)
        issued += 1
    gtr_pending = EmergencyRequest.objects.filter(
        restored_at__isnull=False, blocking=True, server__full_backup=True, fault=""
    ).exclude(credits__kind=CreditKind.GTR)
    for request in gtr_pending.order_by("contacted_at", "pk").select_related("server").iterator():
        settle_gtr(request, now)
        issued += 1
    return issued


def quota_of(server: ManagedServer, now: datetime) -> EmergencyQuota:
    """The server's counter for the current contract year (art. 8.1), as shown to the client."""
    pack = pack_of_client(server.client)
    days = [
        contract_day(at, pack)
        for at in EmergencyRequest.objects.filter(server=server, contacted_at__lte=now).values_list(
            "contacted_at", flat=True
        )
    ]
    start = _contract_start(server, pack)
    # Before the contract started, the counter is the first year's, still empty.
    return emergency_quota(start, days, max(contract_day(now, pack), start), pack)
