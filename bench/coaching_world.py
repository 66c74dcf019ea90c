"""The data and the timed loops of bench/coaching.py (imported once Django is set up)."""

from __future__ import annotations

import json
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as wall
from typing import Any

from django.db import transaction
from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Membership, Person, Provider, Role
from clausier.billing.models import Alignment, Periodicity, Plan, Subscription, SubscriptionStatus
from clausier.coaching import availability, jaas, rooms
from clausier.coaching.models import (
    Coach,
    CoachingSession,
    JaasConfig,
    Participant,
    WeeklySlot,
)
from clausier.terms import services as terms_services

SECRET = "whsec_bench"
APP_ID = "vpaas-magic-cookie-bench"


def _world() -> tuple[Provider, Subscription, Person]:
    now = timezone.now()
    provider = Provider.objects.create(
        slug="bench-coaching",
        legal_name="Bench SAS",
        service_line="coaching_training",
        siren="812345676",
        siret="81234567600017",
        vat_number="FR19812345676",
        address_line1="1 rue",
        postal_code="75002",
        city="Paris",
        contact_email="c@bench.example",
        support_email="s@bench.example",
        iban="FR7630006000011234567890189",
    )
    client = ClientOrganisation.objects.create(
        provider=provider, legal_name="Client", address_line1="1", postal_code="1", city="Lyon"
    )
    owner = Person.objects.create(email="owner@bench.example")
    admin = Person.objects.create(email="admin@bench.example")
    Membership.objects.create(person=owner, provider=provider, role=Role.OWNER)
    terms = terms_services.create_draft(
        now=now,
        actor=owner,
        provider=provider,
        service_line="coaching_training",
        version="bench",
        pack_version="1.1",
        text_fr="CGV",
    )
    terms_services.publish(now=now, actor=owner, terms=terms)
    Membership.objects.create(
        person=admin, provider=provider, client=client, role=Role.CLIENT_ADMIN
    )
    first, _text = terms_services.review(
        now=now, person=admin, client=client, terms=terms, language="fr"
    )
    acceptance = terms_services.accept(
        now=now, person=admin, client=client, terms=terms, review_token=first.sign()
    )
    plan = Plan.objects.create(
        provider=provider,
        service_line="coaching_training",
        code="focus",
        name="Focus",
        price_ht=390,
        periodicity=Periodicity.MONTHLY,
        alignment=Alignment.ANNIVERSARY,
        session_allowance=100_000,
    )
    subscription = Subscription.objects.create(
        provider=provider,
        client=client,
        plan=plan,
        acceptance=acceptance,
        label="Focus",
        price_ht=390,
        vat_rate=20,
        periodicity=Periodicity.MONTHLY,
        alignment=Alignment.ANNIVERSARY,
        status=SubscriptionStatus.ACTIVE,
        start_date=now.date() - timedelta(days=30),
    )
    return provider, subscription, admin


def _coaches(provider: Provider, count: int) -> list[Coach]:
    people = Person.objects.bulk_create(
        Person(email=f"coach{i}@bench.example") for i in range(count)
    )
    coaches = Coach.objects.bulk_create(Coach(provider=provider, person=p) for p in people)
    WeeklySlot.objects.bulk_create(
        WeeklySlot(coach=c, weekday=d, starts=wall(h), ends=wall(h + 3))
        for c in coaches
        for d in range(5)
        for h in (9, 14)
    )
    return coaches


def _sessions(
    subscription: Subscription, coaches: list[Coach], count: int, start: datetime
) -> None:
    rows: list[CoachingSession] = []
    rng = random.Random(14)  # noqa: S311 -- reproducible test data, not a secret
    seen: set[tuple[int, datetime]] = set()
    # Half in the 4 weeks searched, half over the year around: a busy but real table.
    while len(rows) < count:
        coach = rng.choice(coaches)
        days = rng.randrange(28) if len(rows) % 2 == 0 else rng.randrange(-180, 180)
        at = (start + timedelta(days=days)).replace(hour=rng.choice((8, 9, 10, 13, 14, 15)))
        if (coach.pk, at) in seen:
            continue
        seen.add((coach.pk, at))
        rows.append(
            CoachingSession(
                provider_id=subscription.provider_id,
                client_id=subscription.client_id,
                subscription=subscription,
                coach=coach,
                starts_at=at,
                ends_at=at + timedelta(hours=1),
                period_start=start.date(),
                period_end=start.date() + timedelta(days=364),
                ical_uid=uuid.uuid4().hex,
                room_name=uuid.uuid4().hex,
            )
        )
    CoachingSession.objects.bulk_create(rows, batch_size=2000)


def availability_figures(coaches: int, bookings: int, searches: int) -> dict[str, Any]:
    provider, subscription, _admin = _world()
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    coach_rows = _coaches(provider, coaches)
    _sessions(subscription, coach_rows, bookings, start)
    timings, cpu = [], []
    slots = 0
    for _ in range(searches):
        listed = list(Coach.objects.filter(provider=provider).select_related("provider"))
        t0, c0 = time.perf_counter(), time.process_time()
        found = availability.free_slots(listed, start, start + timedelta(days=28), start)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        slots = sum(len(v) for v in found.values())
    timings.sort()
    cpu.sort()
    return {
        "coaches": coaches,
        "bookings": CoachingSession.objects.count(),
        "slots": slots,
        "search_p50_ms": statistics.median(timings),
        "search_p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        # This process's CPU time (on SQLite, the database's too): what a loaded machine's
        # wall clock adds on top is waiting for a core.
        "search_cpu_p99_ms": cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))],
    }


def webhook_figures(events: int) -> dict[str, Any]:
    provider = Provider.objects.get(slug="bench-coaching")
    JaasConfig.objects.create(
        provider=provider,
        app_id=APP_ID,
        key_id=f"{APP_ID}/k",
        private_key="x",
        webhook_secret=SECRET,
    )
    # Ten events a room, as a one-hour session gives: join/leave of a few participants.
    sessions = list(CoachingSession.objects.filter(provider=provider)[: max(1, events // 10)])
    person = Person.objects.create(email="member@bench.example")
    Participant.objects.bulk_create(Participant(session=s, person=person) for s in sessions)
    now = timezone.now()
    bodies = []
    for i in range(events):
        session = sessions[i // 10 % len(sessions)]
        payload = {
            "idempotencyKey": str(uuid.uuid4()),
            "customerId": "bench",
            "appId": APP_ID,
            "eventType": jaas.JOINED if i % 2 == 0 else jaas.LEFT,
            "sessionId": "s",
            "timestamp": int((session.starts_at.timestamp() + i % 10 * 60) * 1000),
            "fqn": f"{APP_ID}/{session.room_name}",
            "data": {"id": str(person.pk), "email": person.email, "name": "M", "moderator": False},
        }
        bodies.append(json.dumps(payload).encode())
    deliveries = bodies + bodies[::10]
    random.Random(14).shuffle(deliveries)  # noqa: S311 -- reproducible order
    t0 = time.perf_counter()
    stored = 0
    for body in deliveries:
        t = int(now.timestamp())
        header = f"t={t},v1={jaas.sign(SECRET, t, body)}"
        with transaction.atomic():
            stored += rooms.ingest_webhook(provider=provider, signature=header, body=body, now=now)
    seconds = time.perf_counter() - t0
    assert stored == events, stored
    return {
        "webhook_events": len(deliveries),
        "webhook_duplicates": len(deliveries) - events,
        "webhooks_per_second": len(deliveries) / seconds,
    }
