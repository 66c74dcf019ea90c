"""Reading and validating a scenario: YAML nodes (with their line numbers) to typed events.

Every problem is reported as a `ScenarioError` naming the line and the field, before
anything runs: unknown event types, missing or extra fields, bad dates and amounts,
references to ids no earlier event created, events out of chronological order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from clausier.core.businesstime import HolidaySeat
from clausier.simulate.errors import ScenarioError
from clausier.simulate.tree import compose
from clausier.simulate.values import (
    ValueProblem,
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_day,
    parse_decimal,
    parse_id,
    parse_instant,
    parse_month,
    parse_percent,
)
from clausier.terms.packs import Pack, PackError, available_versions, load_pack

MANAGED_HOSTING = "managed_hosting"
COACHING_TRAINING = "coaching_training"
SERVICE_LINES = (MANAGED_HOSTING, COACHING_TRAINING)
DEFAULT_TIMEZONE = "Europe/Paris"
_NULL_TAG = "tag:yaml.org,2002:null"
_TOP_KEYS = (
    "service_line",
    "terms",
    "timezone",
    "contract_start",
    "until",
    "provider_calendar",
    "events",
)

Parser = Callable[[str, ZoneInfo], object]


def _plain(parse: Callable[[str], object]) -> Parser:
    return lambda text, _zone: parse(text)


def _enum(*choices: str) -> Parser:
    def parse(text: str, _zone: ZoneInfo) -> object:
        if text not in choices:
            raise ValueProblem(f"{text!r} is not one of {', '.join(choices)}")
        return text

    return parse


def _parse_minutes(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 480:
        raise ValueProblem(f"{text!r} is not a whole number of minutes from 1 to 480")
    return int(text)


def _percent(low: str, high: str) -> Parser:
    return lambda text, _zone: parse_percent(text, Decimal(low), Decimal(high))


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _parse_weekly_slot(text: str) -> tuple[int, time]:
    """A maintenance window as "tuesday 22:00" (or "tue 22:00"): weekday (0 = Monday) and
    local start, in the contract's zone; the art. 6 rules are the monitoring service's."""
    day_text, _space, start_text = text.strip().partition(" ")
    day = day_text.lower()
    matches = [i for i, name in enumerate(_WEEKDAYS) if len(day) >= 3 and name.startswith(day)]
    if len(matches) != 1:
        raise ValueProblem(f"{text!r} does not start with a weekday (e.g. 'tuesday 22:00')")
    try:
        start = time.fromisoformat(start_text.strip())
    except ValueError:
        raise ValueProblem(f"{text!r} has no start time HH:MM after its weekday") from None
    return matches[0], start


@dataclass(frozen=True)
class FieldSpec:
    parse: Parser
    ref: str | None = None  # the event type whose `id` this field names
    optional: bool = False
    default: object = None
    many: bool = False  # a YAML list of such values (a tuple)


@dataclass(frozen=True)
class EventSpec:
    lines: tuple[str, ...]  # the service lines this event belongs to
    fields: Mapping[str, FieldSpec]
    creates: bool = False  # the event has an `id`


_ID = FieldSpec(_plain(parse_id))
_AMOUNT = FieldSpec(_plain(parse_amount))
_INSTANT = FieldSpec(parse_instant)
_BOTH = SERVICE_LINES
_MH = (MANAGED_HOSTING,)
_CT = (COACHING_TRAINING,)


def _ref(event_type: str) -> FieldSpec:
    return FieldSpec(_plain(parse_id), ref=event_type)


def _count(default: int | None = None) -> FieldSpec:
    return FieldSpec(_plain(parse_count), optional=True, default=default)


def _flag(default: bool) -> FieldSpec:
    return FieldSpec(_plain(parse_bool), optional=True, default=default)


def _spec(lines: tuple[str, ...], creates: bool = False, **fields: FieldSpec) -> EventSpec:
    return EventSpec(lines, MappingProxyType(fields), creates)


_REQUEST = _ref("emergency_request")
_SESSION = _ref("session_scheduled")
_TRAINING = _ref("training_scheduled")
_INVOICE = _ref("invoice_issued")
_ENROLMENT = _ref("training_enrolment")
# Minutes present or spent: 0 (absent) or more, like an amount ("0", "120", "90.5").
_MINUTES = FieldSpec(_plain(parse_amount))
_SUBSCRIPTION = _ref("subscription_started")
_BOOKED = _ref("session_booked")

EVENT_TYPES: Mapping[str, EventSpec] = MappingProxyType(
    {
        "emergency_request": _spec(
            _MH,
            True,
            server=_ID,
            monthly_fee=_AMOUNT,
            blocking=_flag(False),
            full_backup_option=_flag(False),
            # A phone request waits for the client's written confirmation (art. 5).
            channel=FieldSpec(_enum("portal", "email", "phone"), optional=True, default="portal"),
        ),
        "intervention_start": _spec(_MH, request=_REQUEST),
        "intervention_pause": _spec(
            _MH,
            request=_REQUEST,
            reason=FieldSpec(_enum("third_party_parts", "backup_restore")),
        ),
        "intervention_resume": _spec(_MH, request=_REQUEST),
        "service_restored": _spec(_MH, request=_REQUEST),
        "intervention_end": _spec(_MH, request=_REQUEST),
        # The client admin's recorded agreement at the quoted rate (art. 5): to an
        # emergency beyond the quota, or to a quote for work past the covered hours.
        "client_agreement": _spec(
            _MH,
            request=_REQUEST,
            scope=FieldSpec(_enum("extra_emergency", "beyond_covered_hours")),
        ),
        # The client's recorded agreement to an emergency beyond the yearly quota (art.
        # 5, 8.1): `client_agreement` with the scope extra_emergency.
        "overage_agreed": _spec(_MH, request=_REQUEST),
        # The written confirmation of a phone request (art. 5).
        "request_confirmed": _spec(_MH, request=_REQUEST),
        # Advice time used on a server (art. 3.4); emits its cumulative balance.
        "advice_logged": _spec(_MH, server=_ID, minutes=FieldSpec(_plain(_parse_minutes))),
        "ticket_opened": _spec(_MH, True),
        "ticket_acknowledged": _spec(_MH, ticket=_ref("ticket_opened")),
        # A monitored service entering a problem hard state (art. 3.2); `critical` when it
        # is CRITICAL or the host DOWN, false for WARNING.
        "alert_raised": _spec(_MH, True, service=_ID, critical=_flag(True)),
        "ha_availability": _spec(
            _MH,
            service=_ID,
            month=FieldSpec(_plain(parse_month)),
            percent=FieldSpec(_percent("0", "100")),
            monthly_fee=_AMOUNT,
        ),
        # Monitoring (art. 3.2, 6, 14), run through the monitor's own state machine.
        "service_defined": _spec(
            _MH,
            True,
            server=_ID,
            check=_ID,
            max_check_attempts=FieldSpec(_plain(parse_decimal), optional=True, default=Decimal(3)),
            check_interval=FieldSpec(_plain(parse_decimal), optional=True, default=Decimal(300)),
            retry_interval=FieldSpec(_plain(parse_decimal), optional=True, default=Decimal(60)),
            escalate_in_hno=_flag(False),
        ),
        "check_result": _spec(
            _MH,
            service=_ref("service_defined"),
            state=FieldSpec(_enum("OK", "WARNING", "CRITICAL", "UNKNOWN")),
            output=FieldSpec(_plain(str), optional=True, default=""),
        ),
        "downtime": _spec(_MH, server=_ID, start=_INSTANT, end=_INSTANT),
        "acknowledgement": _spec(_MH, service=_ref("service_defined")),
        # The client's two weekly windows (art. 6), e.g. [tuesday 22:00, saturday 06:00].
        "maintenance_windows": _spec(
            _MH, server=_ID, windows=FieldSpec(_plain(_parse_weekly_slot), many=True)
        ),
        # A maintenance needing a service restart, scheduled by the provider (art. 6).
        "maintenance": _spec(
            _MH,
            server=_ID,
            start=_INSTANT,
            end=_INSTANT,
            reason=FieldSpec(_plain(str), optional=True, default=""),
        ),
        "syntec_index": _spec(
            _MH,
            series=FieldSpec(_enum("old", "new")),
            month=FieldSpec(_plain(parse_month)),
            value=FieldSpec(_plain(parse_decimal)),
            # The day it was published; without it, taken as published in its month.
            published_on=FieldSpec(_plain(parse_date), optional=True),
        ),
        # Without `amount`, the amount the previous revision gave.
        "anniversary_revision": _spec(
            _MH, True, amount=FieldSpec(_plain(parse_amount), optional=True)
        ),
        "session_scheduled": _spec(_CT, True, starts_at=_INSTANT),
        "session_postpone_request": _spec(_CT, session=_SESSION),
        "session_cancel": _spec(_CT, session=_SESSION),
        # With `hours` (planned per participant: half-days + e-learning), enrolments and
        # attendance split the billing between the OPCO and the client (training app).
        "training_scheduled": _spec(
            _CT,
            True,
            starts_at=_INSTANT,
            price_ht=_AMOUNT,
            hours=FieldSpec(_plain(parse_decimal), optional=True),
            half_day_minutes=FieldSpec(_plain(parse_decimal), optional=True),
        ),
        "training_enrolment": _spec(_CT, True, training=_TRAINING, participant=_ID),
        "half_day_attendance": _spec(
            _CT,
            enrolment=_ENROLMENT,
            date=FieldSpec(_plain(parse_date)),
            slot=FieldSpec(_enum("am", "pm")),
            minutes=_MINUTES,
        ),
        "elearning_completed": _spec(_CT, enrolment=_ENROLMENT, module=_ID, minutes=_MINUTES),
        "opco_non_payment": _spec(_CT, training=_TRAINING),
        "training_cancel_by_client": _spec(_CT, training=_TRAINING),
        "training_cancel_by_provider": _spec(_CT, training=_TRAINING),
        "opco_request": _spec(_CT, training=_TRAINING, amount_ht=_AMOUNT),
        "opco_agreement": _spec(_CT, training=_TRAINING, covered_ht=_AMOUNT),
        "invoice_issued": _spec(_BOTH, True, amount_ttc=_AMOUNT, due_at=FieldSpec(parse_day)),
        # The 10-day dispute window is a clause of the coaching contract only.
        "invoice_disputed": _spec(_CT, invoice=_INVOICE),
        # Without `amount`, the payment settles what is left; with it, a partial payment.
        "invoice_paid": _spec(
            _BOTH, invoice=_INVOICE, amount=FieldSpec(_plain(parse_amount), optional=True)
        ),
        "ecb_rate": _spec(
            _BOTH, effective=FieldSpec(_plain(parse_date)), percent=FieldSpec(_percent("-5", "20"))
        ),
        "subscription_started": _spec(
            _CT,
            True,
            instalment_ht=_AMOUNT,
            periodicity=FieldSpec(_enum("monthly", "quarterly", "half_yearly", "yearly")),
            # Sessions the plan grants per annual period (art. 10.1); group size.
            sessions=_count(),
            group_size=_count(1),
        ),
        # Sessions booked from a subscription's allowance through the coaching services.
        "session_booked": _spec(
            _CT, True, subscription=_SUBSCRIPTION, starts_at=_INSTANT, participants=_count(1)
        ),
        "session_held": _spec(_CT, session=_BOOKED, attended=_count()),
        "participant_absent": _spec(_CT, session=_BOOKED),
        "provider_cancel_force_majeure": _spec(_CT, session=_BOOKED),
        "booked_session_cancel": _spec(_CT, session=_BOOKED),
        # Art. 10.1: a change asked by e-mail to the coach, judged at its reception.
        "session_change_by_email": _spec(
            _CT,
            session=_BOOKED,
            action=FieldSpec(_enum("cancel", "postpone")),
            received_at=_INSTANT,
            new_starts_at=FieldSpec(parse_instant, optional=True),
        ),
        "deliverable_posted": _spec(_CT, True, subscription=_SUBSCRIPTION),
        "deliverable_reserved": _spec(_CT, deliverable=_ref("deliverable_posted")),
        "first_invoice_paid": _spec(_CT, subscription=_SUBSCRIPTION),
        "price_increase_announced": _spec(
            _CT,
            subscription=_SUBSCRIPTION,
            new_instalment_ht=_AMOUNT,
            applies_from=FieldSpec(_plain(parse_date)),
        ),
        "termination_notice": _spec(_CT, subscription=_SUBSCRIPTION),
        "debit_rejected": _spec(_CT, subscription=_SUBSCRIPTION),
        # The coaching application's interruptions (art. 7.3, 7.4) and end of access
        # (art. 7.2.2); `maintenance` is the hosting one (art. 6), hence `app_maintenance`.
        "outage": _spec(
            _CT,
            True,
            start=_INSTANT,
            end=_INSTANT,
            scope=FieldSpec(_plain(str), optional=True, default=""),
            cause=FieldSpec(_plain(str), optional=True, default=""),
        ),
        "app_maintenance": _spec(
            _CT, True, start=_INSTANT, end=_INSTANT, announced_at=_INSTANT, emergency=_flag(False)
        ),
        "app_maintenance_cancel": _spec(_CT, maintenance=_ref("app_maintenance")),
        "access_end": _spec(_CT, subscription=_SUBSCRIPTION),
    }
)


@dataclass(frozen=True)
class Event:
    """One validated event. Values are typed by their field spec; getters check the type."""

    source: str
    index: int  # position in the file, from 0
    type: str
    at: datetime  # UTC
    line: int
    values: Mapping[str, object]
    lines: Mapping[str, int]

    def error(self, name: str, message: str) -> ScenarioError:
        return ScenarioError(self.source, self.lines.get(name, self.line), name, message)

    def text(self, name: str) -> str:
        value = self.values[name]
        assert isinstance(value, str)
        return value

    def decimal(self, name: str) -> Decimal:
        value = self.values[name]
        assert isinstance(value, Decimal)
        return value

    def count(self, name: str) -> int | None:
        value = self.values[name]
        assert value is None or isinstance(value, int)
        return value

    def flag(self, name: str) -> bool:
        value = self.values[name]
        assert isinstance(value, bool)
        return value

    def instant(self, name: str) -> datetime:
        value = self.values[name]
        assert isinstance(value, datetime)
        return value

    def day(self, name: str) -> date:
        value = self.values[name]
        assert isinstance(value, date) and not isinstance(value, datetime)
        return value

    @property
    def id(self) -> str:
        return self.text("id")


@dataclass(frozen=True)
class Scenario:
    source: str
    service_line: str
    pack: Pack
    zone: ZoneInfo
    contract_start: date | None
    until: datetime | None
    events: tuple[Event, ...] = field(default=())
    # The provider's seat, whose public holidays close its office hours ("FR", "FR-57").
    seat: HolidaySeat = field(default_factory=HolidaySeat)


# -- reading ----------------------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, source: str, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Keys to (key node, value node); duplicate and non-text keys are errors."""
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(source, _line(node), None, f"{what} must be a mapping of fields")
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise ScenarioError(source, _line(key_node), None, "field names must be plain text")
        name = str(key_node.value)
        if name in out:
            first = _line(out[name][0])
            raise ScenarioError(
                source, _line(key_node), name, f"appears twice in {what} (first on line {first})"
            )
        out[name] = (key_node, value_node)
    return out


def _scalar(node: yaml.Node, source: str, name: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ScenarioError(source, _line(node), name, "must be a single value, not a list or map")
    if node.tag == _NULL_TAG and node.style is None:
        raise ScenarioError(source, _line(node), name, "is empty")
    return str(node.value)


def _value(node: yaml.Node, source: str, name: str, parse: Parser, zone: ZoneInfo) -> object:
    text = _scalar(node, source, name)
    try:
        return parse(text, zone)
    except ValueProblem as problem:
        raise ScenarioError(source, _line(node), name, str(problem)) from None


def _values(
    node: yaml.Node, source: str, name: str, parse: Parser, zone: ZoneInfo
) -> tuple[object, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise ScenarioError(source, _line(node), name, "must be a list, e.g. [a, b]")
    return tuple(_value(item, source, name, parse, zone) for item in node.value)


def load_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and validate a scenario; the first problem raises `ScenarioError`."""
    root = compose(text, source)
    if root is None:
        raise ScenarioError(source, None, None, "the scenario is empty")
    top = _mapping(root, source, "the scenario")
    for name, (key_node, _value_node) in top.items():
        if name not in _TOP_KEYS:
            raise ScenarioError(
                source, _line(key_node), name, f"unknown field; expected {', '.join(_TOP_KEYS)}"
            )
    for name in ("service_line", "events"):
        if name not in top:
            raise ScenarioError(source, _line(root), name, "is required")
    zone = _zone(top, source)
    service_line, pack = _pack(top, source)
    contract_start: date | None = None
    until: datetime | None = None
    if "contract_start" in top:
        node = top["contract_start"][1]
        start_value = _value(node, source, "contract_start", _plain(parse_date), zone)
        assert isinstance(start_value, date)
        contract_start = start_value
    if "until" in top:
        until_value = _value(top["until"][1], source, "until", parse_instant, zone)
        assert isinstance(until_value, datetime)
        until = until_value
    seat = _seat(top, source)
    events = _events(top["events"][1], source, service_line, zone)
    if until is not None and events and until < events[-1].at:
        raise ScenarioError(
            source, _line(top["until"][1]), "until", "is before the last event of the scenario"
        )
    return Scenario(source, service_line, pack, zone, contract_start, until, events, seat)


def _seat(top: Mapping[str, tuple[yaml.Node, yaml.Node]], source: str) -> HolidaySeat:
    if "provider_calendar" not in top:
        return HolidaySeat()
    node = top["provider_calendar"][1]
    text = _scalar(node, source, "provider_calendar")
    country, _dash, subdivision = text.partition("-")
    seat = HolidaySeat(country, subdivision or None)
    try:
        seat.check()
    except ValueError as exc:
        raise ScenarioError(
            source, _line(node), "provider_calendar", f"{exc} (write FR, or FR-57 for Moselle)"
        ) from None
    return seat


def _zone(top: Mapping[str, tuple[yaml.Node, yaml.Node]], source: str) -> ZoneInfo:
    if "timezone" not in top:
        return ZoneInfo(DEFAULT_TIMEZONE)
    node = top["timezone"][1]
    name = _scalar(node, source, "timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScenarioError(
            source, _line(node), "timezone", f"unknown time zone {name!r}"
        ) from None


def _pack(top: Mapping[str, tuple[yaml.Node, yaml.Node]], source: str) -> tuple[str, Pack]:
    node = top["service_line"][1]
    service_line = _scalar(node, source, "service_line")
    if service_line not in SERVICE_LINES:
        raise ScenarioError(
            source, _line(node), "service_line", f"must be one of {', '.join(SERVICE_LINES)}"
        )
    if "terms" not in top:
        return service_line, load_pack(service_line)
    terms_node = top["terms"][1]
    version = _scalar(terms_node, source, "terms")
    try:
        return service_line, load_pack(service_line, version)
    except PackError:
        versions = ", ".join(available_versions(service_line))
        raise ScenarioError(
            source,
            _line(terms_node),
            "terms",
            f"no {service_line} terms version {version!r} (available: {versions})",
        ) from None


def _events(node: yaml.Node, source: str, service_line: str, zone: ZoneInfo) -> tuple[Event, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise ScenarioError(source, _line(node), "events", "must be a list of events")
    created: dict[str, tuple[str, int]] = {}  # id -> (event type, line)
    events: list[Event] = []
    for index, item in enumerate(node.value):
        event = _event(item, index, source, service_line, zone, created)
        if events and event.at < events[-1].at:
            previous = events[-1]
            raise event.error(
                "at",
                f"is before the previous event ({previous.type} on line {previous.line}); "
                "events must be in chronological order",
            )
        events.append(event)
    return tuple(events)


def _event(
    node: yaml.Node,
    index: int,
    source: str,
    service_line: str,
    zone: ZoneInfo,
    created: dict[str, tuple[str, int]],
) -> Event:
    fields = _mapping(node, source, "an event")
    line = _line(node)
    for name in ("type", "at"):
        if name not in fields:
            raise ScenarioError(source, line, name, "is required in every event")
    type_node = fields["type"][1]
    event_type = _scalar(type_node, source, "type")
    spec = EVENT_TYPES.get(event_type)
    if spec is None:
        raise ScenarioError(source, _line(type_node), "type", f"unknown event type {event_type!r}")
    if service_line not in spec.lines:
        raise ScenarioError(
            source,
            _line(type_node),
            "type",
            f"{event_type} is not an event of {service_line} (only of {', '.join(spec.lines)})",
        )
    expected = {"type", "at", *spec.fields, *(("id",) if spec.creates else ())}
    for name, (key_node, _value_node) in fields.items():
        if name not in expected:
            raise ScenarioError(
                source,
                _line(key_node),
                name,
                f"unknown field for {event_type}; expected {', '.join(sorted(expected))}",
            )
    values: dict[str, object] = {}
    lines: dict[str, int] = {name: _line(value) for name, (_key, value) in fields.items()}
    at = _value(fields["at"][1], source, "at", parse_instant, zone)
    assert isinstance(at, datetime)
    all_fields = dict(spec.fields)
    if spec.creates:
        all_fields = {"id": _ID, **all_fields}
    for name, field_spec in all_fields.items():
        if name not in fields:
            if not field_spec.optional:
                raise ScenarioError(source, line, name, f"is required for {event_type}")
            values[name] = field_spec.default
            continue
        node = fields[name][1]
        if field_spec.many:
            value: object = _values(node, source, name, field_spec.parse, zone)
        else:
            value = _value(node, source, name, field_spec.parse, zone)
        if field_spec.ref is not None:
            _check_ref(str(value), field_spec.ref, created, source, lines[name], name)
        values[name] = value
    if spec.creates:
        new_id = str(values["id"])
        if new_id in created:
            kind, first = created[new_id]
            raise ScenarioError(
                source, lines["id"], "id", f"{new_id!r} is already the id of {kind} on line {first}"
            )
        created[new_id] = (event_type, line)
    return Event(
        source, index, event_type, at, line, MappingProxyType(values), MappingProxyType(lines)
    )


def _check_ref(
    ref: str, kind: str, created: Mapping[str, tuple[str, int]], source: str, line: int, name: str
) -> None:
    found = created.get(ref)
    if found is None:
        raise ScenarioError(source, line, name, f"no {kind} with id {ref!r} before this event")
    if found[0] != kind:
        raise ScenarioError(
            source, line, name, f"{ref!r} is the id of {found[0]} (line {found[1]}), not of {kind}"
        )
