"""Training events of the simulator: enrolments, half-day attendance, e-learning, and the
OPCO's non-payment; results `split_invoice` and `certificate`.

The split is the training app's (`clausier.training.split.split_quote`), the very function
its billing service issues invoices from: the simulator reports what would be invoiced,
to whom, for how many hours, under which clause. A training settles once: at the end of
the scenario, or when the OPCO's non-payment is recorded (art. 8.2.4), whichever first.
"""

from __future__ import annotations

from decimal import Decimal

from clausier.core.clauses import ClauseRef
from clausier.simulate.context import Context, Handler
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, amount
from clausier.simulate.state import Training, TrainingEnrolment
from clausier.training.split import FUNDER_NON_PAYMENT_KEY, ParticipantHours, split_quote

HOURS = Decimal("0.01")
# The certificat de réalisation an OPCO requires before paying (Code du travail R6332-26).
CERTIFICATE = ClauseRef("law", "C. trav. R6332-26", "Certificat de réalisation")


def _hours(value: Decimal) -> str:
    return f"{value.quantize(HOURS)}"


def _open_training(context: Context, event: Event) -> Training:
    training = context.coaching.trainings[event.text("training")]
    if training.hours is None:
        raise event.error("training", f"{training.id} has no `hours`: enrolments need them")
    if training.split_at is not None:
        raise event.error("training", f"{training.id} was already invoiced")
    return training


def _enrolment(context: Context, event: Event) -> tuple[Training, TrainingEnrolment]:
    enrolment = context.coaching.enrolments[event.text("enrolment")]
    training = context.coaching.trainings[enrolment.training]
    if training.split_at is not None:
        raise event.error("enrolment", f"{training.id} was already invoiced")
    return training, enrolment


def training_enrolment(context: Context, event: Event) -> None:
    training = _open_training(context, event)
    if training.status != "scheduled":
        raise event.error("training", f"{training.id} was {training.status}")
    enrolment = TrainingEnrolment(event.id, training.id, event.text("participant"))
    enrolment.enrolled_at = context.now
    context.coaching.enrolments[enrolment.id] = enrolment


def half_day_attendance(context: Context, event: Event) -> None:
    """Minutes present on a half-day (0: absent); capped at the half-day's length."""
    training, enrolment = _enrolment(context, event)
    minutes = event.decimal("minutes")
    if minutes < 0:
        raise event.error("minutes", "must not be negative")
    key = (event.day("date").isoformat(), event.text("slot"))
    enrolment.half_days[key] = min(minutes, training.half_day_minutes)


def elearning_completed(context: Context, event: Event) -> None:
    _training, enrolment = _enrolment(context, event)
    minutes = event.decimal("minutes")
    if minutes < 0:
        raise event.error("minutes", "must not be negative")
    enrolment.modules[event.text("module")] = minutes


def _done(training: Training, enrolment: TrainingEnrolment) -> Decimal:
    assert training.hours is not None
    minutes = sum(enrolment.half_days.values(), Decimal(0)) + sum(
        enrolment.modules.values(), Decimal(0)
    )
    return min((minutes / 60).quantize(HOURS), training.hours)


def _settle(context: Context, training: Training) -> None:
    enrolments = [e for e in context.coaching.enrolments.values() if e.training == training.id]
    if training.split_at is not None or not enrolments or training.status != "scheduled":
        return
    assert training.hours is not None
    participants = [ParticipantHours(training.hours, _done(training, e)) for e in enrolments]
    planned = training.hours * len(enrolments)
    split = split_quote(
        price_ht=training.price_ht,
        funded=training.opco_requested is not None,
        participants=participants,
        starts_at=training.starts_at,
        covered_ht=training.covered_ht,
        covered_hours=planned,
        agreement_received_at=training.agreement_at,
        pack=context.pack,
    )
    for line in split.lines:
        fields: dict[str, JsonValue] = {
            "payer": line.payer,
            "part": line.part,
            "hours": _hours(line.hours),
            "amount_ht": amount(line.amount_ht),
        }
        context.emit("split_invoice", training.id, line.clause, fields)
    for enrolment, hours in zip(enrolments, participants, strict=True):
        certificate: dict[str, JsonValue] = {
            "enrolment": enrolment.id,
            "participant": enrolment.participant,
            "hours": _hours(hours.done),
            "planned_hours": _hours(hours.planned),
        }
        context.emit("certificate", enrolment.id, CERTIFICATE, certificate)
    training.split_at = context.now
    training.opco_invoiced_ht = split.total("opco")
    training.opco_invoiced_hours = split.hours("opco")


def opco_non_payment(context: Context, event: Event) -> None:
    """Art. 8.2.4: whatever the cause, the OPCO's unpaid invoice becomes due by the client."""
    training = context.coaching.trainings[event.text("training")]
    _settle(context, training)
    if training.opco_invoiced_ht <= 0:
        raise event.error("training", f"{training.id} has no invoice to an OPCO")
    fields: dict[str, JsonValue] = {
        "payer": "client",
        "part": "non_payment",
        "hours": _hours(training.opco_invoiced_hours),
        "amount_ht": amount(training.opco_invoiced_ht),
    }
    context.emit("split_invoice", training.id, context.pack.clause(FUNDER_NON_PAYMENT_KEY), fields)
    training.opco_invoiced_ht = Decimal(0)


def finish(context: Context) -> None:
    """Trainings with enrolments not settled yet are invoiced at the scenario's end."""
    for training in context.coaching.trainings.values():
        _settle(context, training)


HANDLERS: dict[str, Handler] = {
    "training_enrolment": training_enrolment,
    "half_day_attendance": half_day_attendance,
    "elearning_completed": elearning_completed,
    "opco_non_payment": opco_non_payment,
}
