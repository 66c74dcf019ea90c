"""Coaching pages in the portal: a collaborator's sessions and allowance, booking,
postponing or cancelling, the room; the coach's agenda and the changes asked by e-mail;
the client admin's team usage."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Q, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clausier.accounts.models import Person, Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.accounts.views import current_person
from clausier.billing.models import Subscription
from clausier.coaching import (
    access,
    agenda,
    availability,
    feeds,
    jaas,
    ledger,
    problems,
    requests,
    rooms,
    selectors,
    services,
)
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import (
    CoachingSession,
    LedgerEntry,
    LedgerKind,
    ProblemKind,
    ProblemStatus,
    RequestStatus,
    SessionStatus,
)
from clausier.core.csp import content_security_policy_adding
from clausier.core.errors import DomainError
from clausier.core.htmx import is_htmx, render_page_or_fragment

BOOKING_HORIZON = timedelta(days=21)


def _ended(request: HttpRequest, exc: access.AccessEnded) -> HttpResponse:
    return render(request, "coaching/access_ended.html", {"message": exc.message}, status=403)


def _gate(person: Person, now: datetime) -> set[int]:
    """Art. 7.2.2: AccessEnded once every subscription is past its window; else the closed."""
    return access.gate(selectors.coaching_subscriptions(person), person, now)


def _allowances(person: Person, now: datetime) -> list[tuple[Subscription, ledger.Allowance]]:
    rows = []
    subscriptions = selectors.coaching_subscriptions(person).filter(start_date__isnull=False)
    for subscription in subscriptions.exclude(pk__in=_gate(person, now)):
        try:
            rows.append((subscription, ledger.allowance(subscription, now, now)))
        except CoachingError:
            continue
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def my_sessions(request: HttpRequest) -> HttpResponse:
    person, now = current_person(request), timezone.now()
    try:
        closed = _gate(person, now)
    except access.AccessEnded as exc:
        return _ended(request, exc)
    feed_url = None
    if request.method == "POST" and request.POST.get("action") == "feed":
        token = feeds.issue(person)
        feed_url = request.build_absolute_uri(f"/coaching/ical/{token}.ics")
    upcoming = (
        selectors.visible_sessions(person)
        .filter(
            Q(participants__person=person) | Q(coach__person=person),
            status=SessionStatus.BOOKED,
            ends_at__gte=now,
        )
        .exclude(subscription_id__in=closed)
        .select_related("coach__person", "subscription")
        .distinct()
        .order_by("starts_at")[:50]
    )
    return render(
        request,
        "coaching/sessions.html",
        {"sessions": upcoming, "allowances": _allowances(person, now), "feed_url": feed_url},
    )


def _slots(person: Person, now: datetime) -> list[availability.Slot]:
    coaches = list(selectors.visible_coaches(person))
    by_coach = availability.free_slots(coaches, now, now + BOOKING_HORIZON, now)
    names = {coach.pk: coach for coach in coaches}
    slots = sorted((s for slots in by_coach.values() for s in slots), key=lambda s: s.starts_at)
    return [s for s in slots if s.coach_id in names][:60]


@login_required
@require_http_methods(["GET", "POST"])
def book_page(request: HttpRequest) -> HttpResponse:
    person, now = current_person(request), timezone.now()
    try:
        closed = _gate(person, now)
    except access.AccessEnded as exc:
        return _ended(request, exc)
    subscriptions = (
        selectors.coaching_subscriptions(person)
        .filter(start_date__isnull=False)
        .exclude(pk__in=closed)
    )
    booked, refused = None, ""
    if request.method == "POST":
        subscription = subscriptions.filter(pk=_pk(request.POST.get("subscription"))).first()
        coach = selectors.visible_coaches(person).filter(pk=_pk(request.POST.get("coach"))).first()
        starts_at = _aware(request.POST.get("starts_at", ""))
        if subscription is None or coach is None or starts_at is None:
            refused = str(_("Choisissez un créneau proposé."))
        else:
            try:
                booked = services.book_session(
                    now=now,
                    actor=person,
                    subscription=subscription,
                    coach=coach,
                    starts_at=starts_at,
                )
            except DomainError as exc:
                refused = str(exc.message)
        if not is_htmx(request):
            if booked is None:
                messages.error(request, refused)
                return redirect("portal:coaching_book")
            messages.success(request, _("Séance réservée ; l'invitation part par e-mail."))
            return redirect("portal:coaching_session", session_id=booked.pk)
    # A slot booked by htmx: the list comes back without it, with the outcome.
    coaches = {c.pk: c for c in selectors.visible_coaches(person)}
    slots = [(slot, coaches[slot.coach_id]) for slot in _slots(person, now)]
    return render_page_or_fragment(
        request,
        "coaching/book.html",
        "coaching/_slots.html",
        {
            "subscriptions": list(subscriptions),
            "slots": slots,
            "booked": booked,
            "booking_error": refused,
        },
    )


def _pk(value: str | None) -> int:
    """A primary key from a form field; 0 (no row) for anything else."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


def _aware(value: str) -> datetime | None:
    """The slot's start as posted: an ISO date-time with its offset, else None."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _session_or_404(person: Person, session_id: int, now: datetime) -> CoachingSession:
    session = (
        selectors.visible_sessions(person)
        .select_related("coach__person", "subscription", "provider")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    access.require(session.subscription, person, now)  # art. 7.2.2
    return session


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    person, now = current_person(request), timezone.now()
    try:
        session = _session_or_404(person, session_id, now)
    except access.AccessEnded as exc:
        return _ended(request, exc)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                change = services.cancel_session(now=now, actor=person, session=session)
                messages.success(
                    request,
                    _("Séance annulée.")
                    if change.in_time
                    else _(
                        "Séance annulée moins de 48 heures avant : elle est comptée comme réalisée."
                    ),
                )
                return redirect("portal:coaching_sessions")
            if action == "postpone":
                starts_at = parse_datetime(request.POST.get("starts_at", ""))
                if starts_at is None or starts_at.tzinfo is None:
                    raise CoachingError(_("Choisissez un créneau proposé."), code="bad_slot")
                change = services.postpone_session(
                    now=now, actor=person, session=session, starts_at=starts_at
                )
                messages.success(request, _("Séance reportée."))
                assert change.replacement is not None
                return redirect("portal:coaching_session", session_id=change.replacement.pk)
            if action == "report":
                report = problems.report_problem(
                    now=now,
                    actor=person,
                    session=session,
                    kind=request.POST.get("kind", ""),
                    description=request.POST.get("description", "")[:2000],
                )
                messages.success(
                    request,
                    _("Problème signalé (%(clause)s) : le prestataire l'examine.")
                    % {"clause": report.clause},
                )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("portal:coaching_session", session_id=session.pk)
    slots = availability.free_slots([session.coach], now, now + BOOKING_HORIZON, now)
    deadline, clause = problems.report_deadline(session)  # art. 7.2.4
    return render(
        request,
        "coaching/session.html",
        {
            "session": session,
            "reports": problems.visible_reports(person)
            .filter(session=session)
            .select_related("reporter"),
            "report_open": problems.report_open(person, session, now),
            "report_late": now > deadline and problems.may_report(person, session),
            "report_deadline": deadline,
            "report_clause": clause,
            "problem_kinds": ProblemKind.choices,
            "participants": session.participants.select_related("person"),
            # The session's chat (content app) is for its participants and its coach.
            "is_party": session.coach.person_id == person.pk
            or session.participants.filter(person=person).exists(),
            "slots": slots[session.coach_id][:30],
            "changeable": session.status == SessionStatus.BOOKED and session.replaces_id is None,
            # Changes asked by e-mail (art. 10.1, 10.3), and whether this reader decides.
            "change_requests": requests.visible_requests(person)
            .filter(session=session)
            .select_related("sender"),
            "may_decide": session.provider_id in staff_provider_ids(person, {Role.OWNER.value})
            or session.coach.person_id == person.pk,
        },
    )


# The room page loads JaaS's script and frames its room (jaas.JAAS_DOMAIN, over HTTPS).
JAAS_ORIGIN = f"https://{jaas.JAAS_DOMAIN}"
JOIN_PAGE_SOURCES = {
    "script-src": [JAAS_ORIGIN],
    "frame-src": [JAAS_ORIGIN],
    "connect-src": [JAAS_ORIGIN],
}


@login_required
@content_security_policy_adding(JOIN_PAGE_SOURCES)
def join_page(request: HttpRequest, session_id: int) -> HttpResponse:
    person, now = current_person(request), timezone.now()
    try:
        session = _session_or_404(person, session_id, now)
    except access.AccessEnded as exc:
        return _ended(request, exc)
    try:
        room = rooms.join(now=now, session=session, person=person)
    except DomainError as exc:
        return render(request, "coaching/join.html", {"session": session, "error": exc.message})
    return render(request, "coaching/join.html", {"session": session, "room": room})


@login_required
def coach_agenda(request: HttpRequest) -> HttpResponse:
    person, now = current_person(request), timezone.now()
    coach = selectors.coach_of(person)
    if coach is None:
        raise Http404
    local_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    sessions = (
        coach.sessions.filter(
            status__in=[SessionStatus.BOOKED, SessionStatus.HELD],
            starts_at__gte=local_today,
            starts_at__lt=local_today + timedelta(days=14),
        )
        .select_related("client", "subscription")
        .prefetch_related("participants__person")
        .order_by("starts_at")
    )
    tomorrow = local_today + timedelta(days=1)
    return render(
        request,
        "coaching/coach.html",
        {
            "today": [s for s in sessions if s.starts_at < tomorrow],
            "later": [s for s in sessions if s.starts_at >= tomorrow],
            "pending_requests": requests.staff_requests(person)
            .filter(status=RequestStatus.PENDING)
            .count(),
        },
    )


def _coach_param(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The viewer's day or week: sessions and free slots in the viewer's zone, previous /
    next / today, a free slot bookable from here by a collaborator (art. 10.1)."""
    person, now = current_person(request), timezone.now()
    view = request.GET.get("vue", agenda.WEEK)
    view = view if view in agenda.VIEWS else agenda.WEEK
    try:
        found = agenda.agenda(
            person=person,
            now=now,
            view=view,
            day=request.GET.get("date"),
            zone=request.GET.get("tz"),
            coach_id=_coach_param(request.GET.get("coach")),
        )
    except access.AccessEnded as exc:
        return _ended(request, exc)
    except CoachingError as exc:
        # A bad date, zone or coach in the address: say so and show today's week.
        messages.error(request, str(exc.message))
        found = agenda.agenda(person=person, now=now, view=view)
    subscriptions: list[Subscription] = []
    if not found.is_coach:
        closed = access.gate(selectors.coaching_subscriptions(person), person, now)
        subscriptions = list(
            selectors.coaching_subscriptions(person)
            .filter(start_date__isnull=False)
            .exclude(pk__in=closed)
        )
    return render(
        request,
        "coaching/calendar.html",
        {
            "agenda": found,
            "zone_name": found.zone.key,
            "subscriptions": subscriptions,
            "tz_param": request.GET.get("tz", "")
            if found.zone.key == request.GET.get("tz")
            else "",
        },
    )


@login_required
def team_usage(request: HttpRequest) -> HttpResponse:
    person, now = current_person(request), timezone.now()
    admin_of = client_ids(person, {Role.CLIENT_ADMIN})
    if not admin_of:
        raise Http404
    try:
        closed = _gate(person, now)
    except access.AccessEnded as exc:
        return _ended(request, exc)
    subscriptions = (
        selectors.coaching_subscriptions(person)
        .filter(client_id__in=admin_of, start_date__isnull=False)
        .exclude(pk__in=closed)
    )
    tables = []
    for subscription in subscriptions:
        try:
            summary = ledger.allowance(subscription, now, now)
        except CoachingError:
            continue
        per_person = (
            LedgerEntry.objects.filter(subscription=subscription, period_start=summary.period_start)
            .exclude(participant=None)
            .values("participant__person__email", "participant__person__first_name")
            .annotate(
                booked=Count("id", filter=Q(kind=LedgerKind.BOOKED)),
                held=Count("id", filter=Q(kind=LedgerKind.HELD)),
                consumed=Count("id", filter=Q(kind=LedgerKind.CONSUMED)),
                returned=Count(
                    "id", filter=Q(kind__in=[LedgerKind.RETURNED, LedgerKind.FORCE_MAJEURE])
                ),
            )
            .order_by("participant__person__email")
        )
        rows: list[dict[str, Any]] = [dict(row) for row in per_person]
        tables.append((subscription, summary, rows, usage_chart(summary, rows)))
    return render(request, "coaching/team.html", {"tables": tables})


CHART_WIDTH, BAR, GAP, LABEL = 360, 16, 8, 120
# Used (held or consumed, art. 10.1), booked to come, remaining: the period's allowance.
CHART_COLOURS = {"used": "#1565c0", "booked": "#90caf9", "remaining": "#e0e0e0"}


def usage_chart(summary: ledger.Allowance, rows: list[dict[str, Any]]) -> dict[str, object]:
    """An SVG drawn by the template: one bar for the team's allowance of the period
    (used, booked, remaining) and one per collaborator (used, booked), same scale."""
    scale = max(summary.granted, summary.used + summary.booked + summary.remaining, 1)
    width = CHART_WIDTH - LABEL

    def bar(label: str, y: int, parts: list[tuple[str, int]]) -> dict[str, object]:
        x: float = LABEL
        segments = []
        for kind, count in parts:
            w = round(width * count / scale, 1)
            if count:
                segments.append({"x": x, "w": w, "fill": CHART_COLOURS[kind], "count": count})
            x += w
        return {"label": label, "y": y, "text_y": y + BAR - 4, "segments": segments}

    bars = [
        bar(
            _("Équipe"),
            0,
            [
                ("used", summary.used),
                ("booked", summary.booked),
                ("remaining", summary.remaining),
            ],
        )
    ]
    for index, row in enumerate(rows, start=1):
        used = int(row["held"]) + int(row["consumed"])
        name = str(row["participant__person__first_name"] or row["participant__person__email"])
        bars.append(
            bar(
                name[:18],
                index * (BAR + GAP),
                [("used", used), ("booked", int(row["booked"]))],
            )
        )
    return {"bars": bars, "height": len(bars) * (BAR + GAP), "width": CHART_WIDTH, "bar": BAR}


def _staff_reports_or_404(person: Person) -> Any:
    if not staff_provider_ids(person, {Role.OWNER.value, Role.COACH.value}):
        raise Http404
    return problems.staff_reports(person)


@login_required
def problem_reports(request: HttpRequest) -> HttpResponse:
    """The provider's staff page of problem reports (art. 7.2.4): open ones first, then
    the decided ones."""
    person = current_person(request)
    reports = _staff_reports_or_404(person)
    rows = list(
        reports.select_related("session__client", "session__coach__person", "reporter").order_by(
            Case(When(status=ProblemStatus.OPEN, then=0), default=1), "-reported_at", "-pk"
        )[:200]
    )
    return render(
        request,
        "coaching/problems.html",
        {
            "open": [r for r in rows if r.status == ProblemStatus.OPEN],
            "done": [r for r in rows if r.status != ProblemStatus.OPEN],
            "may_resolve": bool(staff_provider_ids(person, {Role.OWNER.value})),
        },
    )


@login_required
@require_http_methods(["POST"])
def problem_resolve(request: HttpRequest, problem_id: int) -> HttpResponse:
    """Owners uphold (the session's seats are credited back) or reject a report with a
    reason, through `problems.resolve_problem`: the API's service, permission and audit."""
    person, now = current_person(request), timezone.now()
    report = _staff_reports_or_404(person).select_related("session").filter(pk=problem_id).first()
    if report is None:
        raise Http404
    decision = request.POST.get("decision")
    try:
        if decision not in ("uphold", "reject"):
            raise CoachingError(_("Choisissez : fondé ou non fondé."), "bad_decision")
        problems.resolve_problem(
            now=now,
            actor=person,
            report=report,
            upheld=decision == "uphold",
            resolution=request.POST.get("resolution", "")[:500],
        )
        messages.success(request, _("Signalement traité."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("portal:coaching_problems")


def _staff_requests_or_404(person: Person) -> Any:
    if not staff_provider_ids(person, {Role.OWNER.value, Role.COACH.value}):
        raise Http404
    return requests.staff_requests(person)


@login_required
def change_requests(request: HttpRequest) -> HttpResponse:
    """Cancellations and postponements asked by e-mail (art. 10.1, 10.3): pending ones
    first, each with the session's free slots to postpone to, then the decided ones."""
    person, now = current_person(request), timezone.now()
    rows = list(
        _staff_requests_or_404(person)
        .select_related("session__client", "session__coach__person", "sender")
        .order_by(Case(When(status=RequestStatus.PENDING, then=0), default=1), "-received_at")[:200]
    )
    pending = [r for r in rows if r.status == RequestStatus.PENDING]
    coaches = {r.session.coach_id: r.session.coach for r in pending}
    free = availability.free_slots(list(coaches.values()), now, now + BOOKING_HORIZON, now)
    return render(
        request,
        "coaching/requests.html",
        {
            "pending": [(r, free.get(r.session.coach_id, [])[:30]) for r in pending],
            "done": [r for r in rows if r.status != RequestStatus.PENDING],
        },
    )


@login_required
@require_http_methods(["POST"])
def change_request_decide(request: HttpRequest, change_request_id: int) -> HttpResponse:
    """Apply (cancel, postpone) or dismiss one request through `coaching.requests`: the
    API's service, permission, 48-hour rule at the e-mail's reception, and audit."""
    person, now = current_person(request), timezone.now()
    row = _staff_requests_or_404(person).filter(pk=change_request_id).first()
    if row is None:
        raise Http404
    action = request.POST.get("action", "")
    try:
        if action == "dismiss":
            requests.dismiss_request(
                now=now, actor=person, request=row, reason=request.POST.get("reason", "")[:500]
            )
            messages.success(request, _("Demande écartée."))
        else:
            starts_at = _aware(request.POST.get("starts_at", "")) if action == "postpone" else None
            change = requests.apply_request(
                now=now, actor=person, request=row, action=action, starts_at=starts_at
            )
            text = (
                _("Demande appliquée, reçue dans le délai (%(clause)s) : la séance est rendue.")
                if change.in_time
                else _(
                    "Demande appliquée, reçue moins de 48 heures avant (%(clause)s) : la séance "
                    "est comptée comme réalisée."
                )
            )
            messages.success(request, text % {"clause": change.rule.clause})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("portal:coaching_requests")
