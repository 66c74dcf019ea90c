"""The BPF figures (Bilan pédagogique et financier, cerfa 10443) of a provider's fiscal
year, from its training invoices and its validated attendance.

- C: revenue HT of training invoices issued in the year, credit notes deducted, by payer
  (cerfa 10443, section C): C-1 companies for their employees (invoices to the client);
  C-2 a to h OPCOs, by the scheme of the quote's funding request (apprenticeship,
  professionalisation, Pro-A, transition, CPF, jobseekers, self-employed, skills plan);
  C-4 European bodies, C-5 the State, C-6 regional councils, C-7 France Travail, C-8 other
  public funds, C-11 other funders, by the funder's kind; invoices to the client by the
  client's nature (`ClientOrganisation.kind`): C-1 companies, C-3 public employers for
  their agents, C-9 individuals at their own expense, C-10 other training organisations;
- F-1: trainees (enrolments, i.e. a person once per action, with attended minutes or a
  completed module in the year)
  and hours-trainees (validated half-days attended, partial presence in minutes, plus
  e-learning modules completed in the year), by the trainee's situation: b apprentices and
  c jobseekers by the scheme of the quote's funding request, d individuals and e others
  (agents of public employers) by the client's nature, a employees of private employers
  for the rest (the client enrols its own people);
- F-3: the same trainees and hours-trainees by nature of the action (L6313-1: training,
  skills assessment, VAE, apprenticeship);
- E: trainers and their hours (validated half-days they taught in the year).

A session spanning two years is split by the day of each half-day (and of each module's
completion): every hour falls in the year it was done. The year is the provider's
accounting year (`Provider.fiscal_year_start_month`; the year N is the
one that ends in N), the calendar year by default.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from clausier.accounts.models import ClientKind, Provider
from clausier.billing.models import Invoice, InvoiceKind
from clausier.billing.models_funders import FunderKind
from clausier.terms.zone import contract_zone
from clausier.training.models import (
    HOURS,
    Attendance,
    FundingRequest,
    FundingScheme,
    ModuleProgress,
    Nature,
    Quote,
    Slot,
)

TRAINING_KEYS = "training:quote:"


@dataclass(frozen=True, slots=True)
class TrainerHours:
    name: str
    hours: Decimal


@dataclass(frozen=True, slots=True)
class NatureFigures:
    nature: str
    label: str
    trainees: int
    hours_trainees: Decimal


@dataclass(frozen=True, slots=True)
class TraineeLine:
    code: str  # the cerfa's line: "F-1 a"…
    label: str
    trainees: int
    hours_trainees: Decimal


@dataclass(frozen=True, slots=True)
class RevenueLine:
    code: str  # the cerfa's line: "C-1", "C-2 a"…
    label: str
    amount: Decimal


# Section C's lines in the cerfa's order, C-2's sub-lines by funding scheme.
C2_LINES = {
    FundingScheme.APPRENTICESHIP: "C-2 a",
    FundingScheme.PROFESSIONALISATION: "C-2 b",
    FundingScheme.PRO_A: "C-2 c",
    FundingScheme.TRANSITION: "C-2 d",
    FundingScheme.CPF: "C-2 e",
    FundingScheme.JOBSEEKERS: "C-2 f",
    FundingScheme.SELF_EMPLOYED: "C-2 g",
    FundingScheme.SKILLS_PLAN: "C-2 h",
}
CLIENT_LINES = {
    ClientKind.COMPANY: "C-1",
    ClientKind.PUBLIC_EMPLOYER: "C-3",
    ClientKind.INDIVIDUAL: "C-9",
    ClientKind.TRAINING_ORGANISATION: "C-10",
}
FUNDER_LINES = {
    FunderKind.EUROPEAN: "C-4",
    FunderKind.STATE: "C-5",
    FunderKind.REGION: "C-6",
    FunderKind.FRANCE_TRAVAIL: "C-7",
    FunderKind.OTHER_PUBLIC: "C-8",
    FunderKind.OTHER: "C-11",
}


def _line_labels() -> dict[str, str]:
    labels = {"C-1": str(_("entreprises pour la formation de leurs salariés"))}
    labels.update({code: str(scheme.label) for scheme, code in C2_LINES.items()})
    labels["C-3"] = str(_("pouvoirs publics pour la formation de leurs agents"))
    labels.update({code: str(kind.label) for kind, code in FUNDER_LINES.items()})
    labels["C-9"] = str(_("personnes à titre individuel et à leurs frais"))
    labels["C-10"] = str(_("autres organismes de formation"))
    return dict(sorted(labels.items(), key=lambda item: _line_order(item[0])))


def _line_order(code: str) -> tuple[int, str]:
    number, _sep, letter = code.removeprefix("C-").partition(" ")
    return int(number), letter


@dataclass(frozen=True, slots=True)
class Bpf:
    year: int
    first_day: date  # the accounting year's, and the day after its last
    after_last_day: date
    revenue: tuple[RevenueLine, ...]  # every line of section C, zeros included
    trainees: int  # F-1
    hours_trainees: Decimal  # F-1
    trainers: tuple[TrainerHours, ...] = field(default=())
    # F-3: trainees and hours-trainees by nature of the action (L6313-1).
    by_nature: tuple[NatureFigures, ...] = field(default=())
    # F-1 a to e: the same by the trainees' situation, every line, zeros included.
    by_situation: tuple[TraineeLine, ...] = field(default=())

    @property
    def last_day(self) -> date:
        return self.after_last_day - timedelta(days=1)

    @property
    def revenue_total(self) -> Decimal:
        return sum((line.amount for line in self.revenue), Decimal("0.00"))

    @property
    def revenue_companies(self) -> Decimal:  # C-1
        return self._revenue_of("C-1")

    @property
    def revenue_opco(self) -> Decimal:  # C-2, all its sub-lines
        return self._revenue_of("C-2 ")

    @property
    def revenue_other(self) -> Decimal:  # C-3 to C-11
        return self.revenue_total - self.revenue_companies - self.revenue_opco

    def _revenue_of(self, prefix: str) -> Decimal:
        lines = (line.amount for line in self.revenue if line.code.startswith(prefix))
        return sum(lines, Decimal("0.00"))

    @property
    def trainer_hours(self) -> Decimal:
        return sum((t.hours for t in self.trainers), Decimal("0.00"))


def fiscal_year(provider: Provider, year: int) -> tuple[date, date]:
    """The accounting year `year` of the provider: its first day and the day after its
    last. It ends in `year` ("exercice clos en N"): from January, the calendar year; from
    July, July N-1 to June N."""
    month = provider.fiscal_year_start_month or 1
    if month == 1:
        return date(year, 1, 1), date(year + 1, 1, 1)
    return date(year - 1, month, 1), date(year, month, 1)


def _bounds(first: date, after: date) -> tuple[datetime, datetime]:
    zone = contract_zone()
    return (
        datetime.combine(first, time(), tzinfo=zone),
        datetime.combine(after, time(), tzinfo=zone),
    )


def _revenue(provider: Provider, start: datetime, end: datetime) -> tuple[RevenueLine, ...]:
    """Two queries: the year's training invoices summed by kind, funder kind, client kind
    and key (an OPCO's invoice names its quote in its key), then the schemes of those
    quotes."""
    rows = list(
        Invoice.objects.filter(
            provider=provider,
            issued_at__gte=start,
            issued_at__lt=end,
            idempotency_key__startswith=TRAINING_KEYS,
        )
        .values("kind", "funder__kind", "client__kind", "idempotency_key")
        .annotate(total=Sum("total_ht"))
        .values_list("kind", "funder__kind", "client__kind", "idempotency_key", "total")
    )
    opco_quotes = {
        _quote_of(key) for _kind, funder, _client, key, _total in rows if funder == FunderKind.OPCO
    }
    schemes = dict(
        FundingRequest.objects.filter(quote_id__in=opco_quotes).values_list("quote_id", "scheme")
    )
    amounts = dict.fromkeys(_line_labels(), Decimal("0.00"))
    for kind, funder, client_kind, key, total in rows:
        sign = -1 if kind == InvoiceKind.CREDIT_NOTE else 1
        if funder is None:
            code = CLIENT_LINES[ClientKind(client_kind)]
        elif funder == FunderKind.OPCO:
            scheme = schemes.get(_quote_of(key), FundingScheme.SKILLS_PLAN)
            code = C2_LINES[FundingScheme(scheme)]
        else:
            code = FUNDER_LINES[FunderKind(funder)]
        amounts[code] += sign * (total or Decimal(0))
    labels = _line_labels()
    return tuple(RevenueLine(code, labels[code], amount) for code, amount in amounts.items())


def _quote_of(key: str) -> int:
    """The quote's id in a training invoice's key, "training:quote:<id>:<part>"."""
    return int(key.removeprefix(TRAINING_KEYS).split(":", 1)[0])


def compute(provider: Provider, year: int) -> Bpf:
    """Aggregated in the database: a few queries whatever the number of sessions."""
    first, after = fiscal_year(provider, year)
    start, end = _bounds(first, after)
    attended = Attendance.objects.filter(
        slot__session__provider=provider,
        slot__validated_at__isnull=False,
        slot__day__gte=first,
        slot__day__lt=after,
        minutes__gt=0,
    )
    minutes = attended.aggregate(total=Sum("minutes"))["total"] or 0
    completed = ModuleProgress.objects.filter(
        module__training__provider=provider, completed_at__gte=start, completed_at__lt=end
    )
    module_minutes = completed.aggregate(total=Sum("module__duration_minutes"))["total"] or 0
    people = set(attended.values_list("enrolment_id", flat=True).distinct())
    people |= set(completed.values_list("enrolment_id", flat=True).distinct())
    slots = Slot.objects.filter(
        session__provider=provider, validated_at__isnull=False, day__gte=first, day__lt=after
    ).values_list("session__trainer__person__email", "starts_at", "ends_at")
    per_trainer: dict[str, timedelta] = {}
    for email, starts, ends in slots:
        per_trainer[email] = per_trainer.get(email, timedelta()) + (ends - starts)
    trainers = tuple(
        TrainerHours(email, (Decimal(int(span.total_seconds())) / 3600).quantize(HOURS))
        for email, span in sorted(per_trainer.items())
    )
    return Bpf(
        by_nature=_by_nature(attended, completed),
        by_situation=_by_situation(attended, completed),
        year=year,
        first_day=first,
        after_last_day=after,
        revenue=_revenue(provider, start, end),
        trainees=len(people),
        hours_trainees=(Decimal(minutes + module_minutes) / 60).quantize(HOURS),
        trainers=trainers,
    )


def _grouped(
    attended: QuerySet[Attendance], completed: QuerySet[ModuleProgress], fields: tuple[str, str]
) -> tuple[dict[Any, int], dict[Any, set[int]]]:
    """Minutes and trainees grouped by a value reached from the attendance (`fields[0]`)
    and from the module progress (`fields[1]`): two grouped queries each side; a person
    counts once per action and group."""
    side_fields = (
        (attended, fields[0], "minutes"),
        (completed, fields[1], "module__duration_minutes"),
    )
    minutes: dict[Any, int] = {}
    people: dict[Any, set[int]] = {}
    for rows, key, duration in side_fields:
        for group, total in (
            rows.values(key).annotate(total=Sum(duration)).values_list(key, "total")
        ):
            minutes[group] = minutes.get(group, 0) + (total or 0)
        for group, enrolment in rows.values_list(key, "enrolment_id").distinct():
            people.setdefault(group, set()).add(enrolment)
    return minutes, people


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(HOURS)


def _by_nature(
    attended: QuerySet[Attendance], completed: QuerySet[ModuleProgress]
) -> tuple[NatureFigures, ...]:
    """F-3: the same trainees and hours, grouped by the nature of the training."""
    minutes, people = _grouped(
        attended, completed, ("slot__session__training__nature", "module__training__nature")
    )
    return tuple(
        NatureFigures(
            nature,
            str(Nature(nature).label),
            len(people.get(nature, ())),
            _hours(minutes.get(nature, 0)),
        )
        for nature in Nature.values
        if nature in minutes or nature in people
    )


# F-1's lines: the trainee's situation, from the quote's funding scheme, then the client.
F1_BY_SCHEME = {FundingScheme.APPRENTICESHIP: "F-1 b", FundingScheme.JOBSEEKERS: "F-1 c"}
F1_BY_CLIENT = {ClientKind.INDIVIDUAL: "F-1 d", ClientKind.PUBLIC_EMPLOYER: "F-1 e"}


def _situation_labels() -> dict[str, str]:
    return {
        "F-1 a": str(_("salariés d'employeurs privés hors apprentis")),
        "F-1 b": str(_("apprentis")),
        "F-1 c": str(_("personnes en recherche d'emploi")),
        "F-1 d": str(_("particuliers à leurs propres frais")),
        "F-1 e": str(_("autres stagiaires")),
    }


def _situation(client_kind: str, scheme: str | None) -> str:
    if scheme in F1_BY_SCHEME:
        return F1_BY_SCHEME[FundingScheme(scheme)]
    return F1_BY_CLIENT.get(ClientKind(client_kind), "F-1 a")


def _by_situation(
    attended: QuerySet[Attendance], completed: QuerySet[ModuleProgress]
) -> tuple[TraineeLine, ...]:
    """F-1 a to e: the trainees and hours by situation; a quote's client and funding
    scheme are one value per quote, so the quote is the group."""
    minutes_by_quote, people_by_quote = _grouped(
        attended, completed, ("enrolment__quote_id", "enrolment__quote_id")
    )
    quotes = set(minutes_by_quote) | set(people_by_quote)
    situation_of = {
        quote: _situation(kind, scheme)
        for quote, kind, scheme in Quote.objects.filter(pk__in=quotes).values_list(
            "pk", "client__kind", "funding__scheme"
        )
    }
    minutes: dict[str, int] = {}
    people: dict[str, set[int]] = {}
    for quote in quotes:
        line = situation_of[quote]
        minutes[line] = minutes.get(line, 0) + minutes_by_quote.get(quote, 0)
        people.setdefault(line, set()).update(people_by_quote.get(quote, ()))
    return tuple(
        TraineeLine(code, label, len(people.get(code, ())), _hours(minutes.get(code, 0)))
        for code, label in _situation_labels().items()
    )


def as_csv(figures: Bpf) -> str:
    """One line per figure: section, label, value (the cerfa's lines, dot decimals)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "figure", "value"])
    writer.writerow(["exercice", "du", figures.first_day.isoformat()])
    writer.writerow(["exercice", "au", figures.last_day.isoformat()])
    writer.writerow(
        ["C-1", "entreprises pour la formation de leurs salariés", figures.revenue_companies]
    )
    writer.writerow(["C-2", "opérateurs de compétences (OPCO)", figures.revenue_opco])
    with translation.override("fr"):  # the cerfa's words, whoever downloads it
        labels = _line_labels()
    for line in figures.revenue:
        if line.code != "C-1":
            writer.writerow([line.code, labels[line.code], line.amount])
    writer.writerow(["C-total", "total des produits", figures.revenue_total])
    writer.writerow(["F-1", "stagiaires", figures.trainees])
    writer.writerow(["F-1", "heures-stagiaires", figures.hours_trainees])
    with translation.override("fr"):
        situations = _situation_labels()
    for situation in figures.by_situation:
        label = situations[situation.code]
        writer.writerow([situation.code, f"{label} : stagiaires", situation.trainees])
        writer.writerow([situation.code, f"{label} : heures-stagiaires", situation.hours_trainees])
    for nature in figures.by_nature:
        writer.writerow([f"F-3 {nature.nature}", f"{nature.label} : stagiaires", nature.trainees])
        writer.writerow(
            [f"F-3 {nature.nature}", f"{nature.label} : heures-stagiaires", nature.hours_trainees]
        )
    writer.writerow(["E", "formateurs", len(figures.trainers)])
    writer.writerow(["E", "heures de formation dispensées", figures.trainer_hours])
    for trainer in figures.trainers:
        writer.writerow(["E-détail", trainer.name, trainer.hours])
    return out.getvalue()
