"""python -m bench.training_bpf [SESSIONS] [ENROLMENTS]: the BPF of a year of 5,000
sessions and 50,000 enrolments (four validated half-days each: 200,000 attendance rows)
on a fresh SQLite database; prints the time of `bpf.compute` (issue 15 asks < 3 s).

Run as its own process: it points CLAUSIER_VAR_DIR at a temporary folder before Django
starts, so the database is a new SQLite file, migrated here.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo


def _populate(sessions: int, enrolments: int) -> Any:
    # After django.setup(): models import only then.
    from clausier.accounts.models import (  # noqa: PLC0415
        ClientOrganisation,
        Person,
        Provider,
    )
    from clausier.training import models as m  # noqa: PLC0415
    from clausier.training.models import HalfDay  # noqa: PLC0415

    zone = ZoneInfo("Europe/Paris")
    provider = Provider.objects.create(
        slug="bench",
        legal_name="Bench SAS",
        siren="812345676",
        siret="81234567600017",
        vat_number="FR19812345676",
        address_line1="1 rue",
        postal_code="75001",
        city="Paris",
        contact_email="b@example.org",
        support_email="s@example.org",
        iban="FR76",
    )
    client = ClientOrganisation.objects.create(
        provider=provider,
        legal_name="Client",
        address_line1="1 rue",
        postal_code="75001",
        city="Paris",
    )
    coach = Person.objects.create(email="coach@example.org")
    trainer = m.Trainer.objects.create(provider=provider, person=coach)
    training = m.Training.objects.create(
        provider=provider, title="T", duration_hours=Decimal(14), price_ht=Decimal(1000)
    )
    people = Person.objects.bulk_create(
        Person(email=f"p{n}@example.org") for n in range(enrolments // sessions)
    )
    session_rows = m.TrainingSession.objects.bulk_create(
        m.TrainingSession(provider=provider, training=training, trainer=trainer)
        for _ in range(sessions)
    )
    slots, quotes = [], []
    first = date(2026, 1, 5)
    for index, session in enumerate(session_rows):
        day = first + timedelta(days=index % 360)
        for offset in (0, 1):
            d = day + timedelta(days=offset)
            for half, start, end in ((HalfDay.AM, 9, 12), (HalfDay.PM, 13, 17)):
                at = datetime.combine(d, clock(start), tzinfo=zone)
                slots.append(
                    m.Slot(
                        session=session,
                        day=d,
                        half=half,
                        starts_at=at,
                        ends_at=datetime.combine(d, clock(end), tzinfo=zone),
                        validated_at=at,
                    )
                )
        quotes.append(
            m.Quote(provider=provider, client=client, session=session, price_ht=Decimal(1000))
        )
    m.Slot.objects.bulk_create(slots, batch_size=5000)
    m.Quote.objects.bulk_create(quotes, batch_size=5000)
    per_session = enrolments // sessions
    enrolment_rows = m.Enrolment.objects.bulk_create(
        (m.Enrolment(quote=q, participant=people[k]) for q in quotes for k in range(per_session)),
        batch_size=5000,
    )
    slots_of: dict[int, list[Any]] = {}
    for slot in slots:
        slots_of.setdefault(slot.session_id, []).append(slot)
    quote_session = {q.pk: q.session_id for q in quotes}
    m.Attendance.objects.bulk_create(
        (
            m.Attendance(enrolment=e, slot=s, status="present", minutes=s.minutes)
            for e in enrolment_rows
            for s in slots_of[quote_session[e.quote_id]]
        ),
        batch_size=10000,
    )
    return provider


def main(sessions: int, enrolments: int) -> None:
    with tempfile.TemporaryDirectory(prefix="clausier-bpf-") as var:
        os.environ["CLAUSIER_VAR_DIR"] = var
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")
        import django  # noqa: PLC0415 - after the environment is set
        from django.core.management import call_command  # noqa: PLC0415 - same

        django.setup()
        call_command("migrate", "--no-input", "-v", "0")
        from clausier.training import bpf  # noqa: PLC0415 - after django.setup()

        t0 = time.perf_counter()
        provider = _populate(sessions, enrolments)
        populated = time.perf_counter() - t0
        t1 = time.perf_counter()
        figures = bpf.compute(provider, 2026)
        elapsed = time.perf_counter() - t1
        print(
            json.dumps(
                {
                    "bpf": {
                        "sessions": sessions,
                        "enrolments": enrolments,
                        "hours_trainees": str(figures.hours_trainees),
                        "trainees": figures.trainees,
                        "populate_seconds": round(populated, 1),
                        "compute_seconds": round(elapsed, 2),
                        "target_seconds": 3,
                    }
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    main(*(arguments + [5000, 50000][len(arguments) :]))
