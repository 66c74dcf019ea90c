"""Hot and cold evaluations (Qualiopi indicator 30: the provider collects the trainees'
appreciation and uses it): a questionnaire e-mailed to each participant at the end of the
training (hot) and a configurable number of days after it (cold, 60 by default,
`OrganisationProfile.cold_evaluation_days`), answered without login through a link whose
token is kept only as its SHA-256, one reminder after 7 days with a fresh link, and the
results per session and per training.

An evaluation never blocks the billing: nothing in `services.settle` reads it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Role
from clausier.core import audit
from clausier.notify.services import Draft, enqueue_many
from clausier.training.errors import TrainingError
from clausier.training.models import (
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    EvaluationKind,
    OrganisationProfile,
    QuoteStatus,
    SessionStatus,
    TrainingSession,
)

DEFAULT_COLD_DAYS = 60
REMIND_AFTER = timedelta(days=7)
# Sessions ended longer ago than this are not evaluated any more (a first run on old data
# sends nothing surprising).
SEND_WINDOW = timedelta(days=30)
SCALE = range(1, 6)
COMMENT_MAX = 2000
CLAUSE = "Qualiopi, indicateur 30"
# Below this many answers a client's administrators see no mean (art. 23, see client_results).
CLIENT_MIN_ANSWERS = 3
EDITORS = {Role.OWNER.value, Role.COACH.value}

QUESTIONS: dict[str, list[tuple[str, Any]]] = {
    EvaluationKind.HOT: [
        ("objectives", _("Les objectifs de la formation sont atteints")),
        ("content", _("Le contenu répond à vos besoins")),
        ("trainer", _("L'animation du formateur")),
        ("organisation", _("L'organisation et les supports")),
        ("recommend", _("Vous recommanderiez cette formation")),
    ],
    EvaluationKind.COLD: [
        ("practice", _("Vous mettez en pratique ce que vous avez appris")),
        ("objectives", _("Avec le recul, les objectifs sont atteints")),
        ("impact", _("La formation a amélioré votre travail")),
    ],
}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def answer_url(token: str) -> str:
    return settings.SITE_URL + reverse("portal:training_evaluation", args=[token])


def _draft(evaluation: Evaluation, token: str, reminder: bool) -> Draft:
    enrolment = evaluation.enrolment
    session = enrolment.quote.session
    person = enrolment.participant
    with translation.override(person.language):
        kind = str(evaluation.get_kind_display())
    return Draft(
        "training_evaluation",
        person.email,
        person.language,
        {
            "provider": session.provider.legal_name,
            "title": session.training.title,
            "kind": kind,
            "url": answer_url(token),
            "reminder": reminder,
            "clause": CLAUSE,
        },
        f"training:evaluation:{evaluation.pk}:{'reminder' if reminder else 'first'}",
        session.provider,
    )


def _cold_days(provider_id: int) -> int:
    profile = OrganisationProfile.objects.filter(provider_id=provider_id).first()
    return profile.cold_evaluation_days if profile else DEFAULT_COLD_DAYS


def _due_in_session(
    session: TrainingSession, last_end: datetime, now: datetime, cold_days: int, window: bool
) -> list[tuple[Enrolment, str]]:
    """The session's (enrolment, kind) not yet sent whose moment has come: the hot one at
    the last half-day's end, the cold one `cold_days` later; the job keeps to `SEND_WINDOW`
    after the moment, a send asked by staff does not."""
    moments = {
        EvaluationKind.HOT: last_end,
        EvaluationKind.COLD: last_end + timedelta(days=cold_days),
    }
    kinds = [k for k, at in moments.items() if at <= now and (not window or now < at + SEND_WINDOW)]
    if not kinds:
        return []
    enrolments = Enrolment.objects.filter(
        quote__session=session,
        quote__status__in=[QuoteStatus.ACCEPTED, QuoteStatus.BILLED],
        status=EnrolmentStatus.ACTIVE,
    ).select_related("participant", "quote__session__training", "quote__session__provider")
    due: list[tuple[Enrolment, str]] = []
    for enrolment in enrolments:
        done = set(enrolment.evaluations.values_list("kind", flat=True))
        due.extend((enrolment, kind) for kind in kinds if kind not in done)
    return due


def _due_enrolments(now: datetime) -> list[tuple[Enrolment, str]]:
    sessions = (
        TrainingSession.objects.exclude(status=SessionStatus.CANCELLED)
        .annotate(last_end=Max("slots__ends_at"))
        # The cold evaluation comes at most a year after the end (the profile's bound).
        .filter(last_end__lte=now, last_end__gt=now - timedelta(days=365) - SEND_WINDOW)
    )
    due: list[tuple[Enrolment, str]] = []
    cold_days: dict[int, int] = {}
    for session in sessions:
        if session.provider_id not in cold_days:
            cold_days[session.provider_id] = _cold_days(session.provider_id)
        due.extend(
            _due_in_session(
                session, session.last_end, now, cold_days[session.provider_id], window=True
            )
        )
    return due


def _create_and_queue(now: datetime, due: list[tuple[Enrolment, str]]) -> int:
    drafts = []
    for enrolment, kind in due:
        token, token_hash = _new_token()
        evaluation = Evaluation.objects.create(
            enrolment=enrolment, kind=kind, token_hash=token_hash, sent_at=now
        )
        drafts.append(_draft(evaluation, token, reminder=False))
    return enqueue_many(drafts, now)


def send_due(now: datetime) -> int:
    """The job: create and e-mail each evaluation that has fallen due, once."""
    with transaction.atomic():
        return _create_and_queue(now, _due_enrolments(now))


def send_for_session(*, now: datetime, actor: Any, session: TrainingSession) -> int:
    """Staff send a session's evaluations now, without waiting for the hourly job: the hot
    one once the last half-day has ended, the cold one once its delay has passed, each
    participant once (a second send queues nothing new). Audited."""
    if actor is not None and session.provider_id not in scoping.staff_provider_ids(actor, EDITORS):
        raise NotAllowed(_("Réservé à l'équipe du prestataire."))
    if session.status == SessionStatus.CANCELLED:
        raise TrainingError(_("Cette session est annulée."), "cancelled")
    last = session.slots.order_by("-ends_at").first()
    if last is None or now < last.ends_at:
        raise TrainingError(
            _("La session n'est pas terminée : l'évaluation à chaud part à la fin (%(clause)s).")
            % {"clause": CLAUSE},
            "not_ended",
        )
    with transaction.atomic():
        due = _due_in_session(
            session, last.ends_at, now, _cold_days(session.provider_id), window=False
        )
        sent = _create_and_queue(now, due)
        audit.record(
            "training.evaluations_sent",
            session,
            actor=actor,
            provider=session.provider,
            details={"sent": sent, "kinds": sorted({kind for _e, kind in due}), "clause": CLAUSE},
        )
    return sent


def send_reminders(now: datetime) -> int:
    """One reminder, 7 days after an unanswered evaluation, with a fresh link."""
    drafts = []
    with transaction.atomic():
        waiting = Evaluation.objects.filter(
            answered_at__isnull=True, reminded_at__isnull=True, sent_at__lte=now - REMIND_AFTER
        ).select_related(
            "enrolment__participant",
            "enrolment__quote__session__training",
            "enrolment__quote__session__provider",
        )
        for evaluation in waiting:
            token, token_hash = _new_token()
            claimed = Evaluation.objects.filter(pk=evaluation.pk, reminded_at__isnull=True).update(
                reminded_at=now, token_hash=token_hash
            )
            if claimed == 1:
                drafts.append(_draft(evaluation, token, reminder=True))
        return enqueue_many(drafts, now)


def run(now: datetime) -> int:
    return send_due(now) + send_reminders(now)


def by_token(token: str) -> Evaluation | None:
    if not token or len(token) > 200:
        return None
    return (
        Evaluation.objects.filter(token_hash=digest(token))
        .select_related("enrolment__quote__session__training", "enrolment__participant")
        .first()
    )


def answer(*, now: datetime, evaluation: Evaluation, data: dict[str, str]) -> Evaluation:
    """Record the participant's answers: each question 1 to 5, an optional comment."""
    if evaluation.answered_at is not None:
        raise TrainingError(_("Vous avez déjà répondu à ce questionnaire. Merci !"), "answered")
    answers: dict[str, Any] = {}
    for key, label in QUESTIONS[evaluation.kind]:
        value = (data.get(key) or "").strip()
        if not value.isdigit() or int(value) not in SCALE:
            raise TrainingError(
                _("Répondez de 1 à 5 : « %(question)s ».") % {"question": label},
                "invalid_answer",
            )
        answers[key] = int(value)
    comment = (data.get("comment") or "").strip()
    if len(comment) > COMMENT_MAX:
        raise TrainingError(
            _("Le commentaire dépasse %(max)s caractères.") % {"max": COMMENT_MAX},
            "comment_too_long",
        )
    answers["comment"] = comment
    with transaction.atomic():
        claimed = Evaluation.objects.filter(pk=evaluation.pk, answered_at__isnull=True).update(
            answered_at=now, answers=answers
        )
        if claimed != 1:
            raise TrainingError(_("Vous avez déjà répondu à ce questionnaire. Merci !"), "answered")
        evaluation.refresh_from_db()
        audit.record(
            "training.evaluation_answered",
            evaluation,
            actor=evaluation.enrolment.participant,
            client=evaluation.enrolment.quote.client,
        )
    return evaluation


@dataclass
class Result:
    label: str
    kind: str
    sent: int = 0
    answered: int = 0
    averages: list[tuple[str, Decimal | None]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    # Answers exist but are too few to show a mean without identifying someone.
    withheld: bool = False

    @property
    def rate(self) -> int:
        return round(100 * self.answered / self.sent) if self.sent else 0


def _result(
    label: str, kind: str, evaluations: list[Evaluation], *, comments: bool, min_answers: int
) -> Result:
    result = Result(label, kind, sent=len(evaluations))
    answered = [e for e in evaluations if e.answered_at is not None]
    result.answered = len(answered)
    shown = len(answered) >= min_answers
    for key, question in QUESTIONS[kind]:
        values = [e.answers[key] for e in answered if isinstance(e.answers.get(key), int)]
        average = (
            (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))
            if values and shown
            else None
        )
        result.averages.append((str(question), average))
    result.withheld = bool(answered) and not shown
    if comments:
        result.comments = [e.answers["comment"] for e in answered if e.answers.get("comment")]
    return result


def _results(
    evaluations: QuerySet[Evaluation], *, comments: bool, min_answers: int
) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for evaluation in evaluations.select_related("enrolment__quote__session__training").order_by(
        "pk"
    ):
        session = evaluation.enrolment.quote.session
        row = rows.setdefault(
            session.training_id,
            {"training": session.training, "all": [], "sessions": {}},
        )
        row["all"].append(evaluation)
        row["sessions"].setdefault(session.pk, (session, []))[1].append(evaluation)

    def per_kind(label: str, items: list[Evaluation]) -> list[Result]:
        return [
            _result(label, kind, kept, comments=comments, min_answers=min_answers)
            for kind in (EvaluationKind.HOT, EvaluationKind.COLD)
            if (kept := [e for e in items if e.kind == kind])
        ]

    return [
        {
            "training": row["training"],
            "results": per_kind(str(row["training"].title), row["all"]),
            "sessions": [
                {"session": session, "results": per_kind(str(session), items)}
                for session, items in row["sessions"].values()
            ],
        }
        for row in rows.values()
    ]


def results(provider_ids: set[int]) -> list[dict[str, Any]]:
    """The provider's staff: per training, then per session: sent, answered, the rate,
    each question's mean and the comments (Qualiopi indicator 30: the provider uses them)."""
    return _results(
        Evaluation.objects.filter(enrolment__quote__provider_id__in=provider_ids),
        comments=True,
        min_answers=1,
    )


def client_results(client_ids: set[int]) -> list[dict[str, Any]]:
    """A client's administrators: the same aggregates over their own trainees only, never
    an answer or a comment of one person, and no mean under `CLIENT_MIN_ANSWERS` answers
    (a mean of one answer is that answer). Art. 23: the participants' data are not
    disclosed beyond what the service needs; the employer's need is the aggregate."""
    return _results(
        Evaluation.objects.filter(enrolment__quote__client_id__in=client_ids),
        comments=False,
        min_answers=CLIENT_MIN_ANSWERS,
    )
