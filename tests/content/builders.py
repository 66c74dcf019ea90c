"""A coaching provider with a subscribed client, people in every position, and files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from PIL import Image

from clausier.accounts.models import ClientOrganisation, Person, Provider, Role, ServiceLine
from clausier.billing import services as billing_services
from clausier.billing.models import Plan, Subscription, SubscriptionStatus
from tests.billing.builders import coaching_plan
from tests.helpers import accepted_terms, make_client, make_client_user, make_provider, make_staff


@dataclass
class ContentWorld:
    provider: Provider
    client: ClientOrganisation
    other_client: ClientOrganisation
    plan: Plan
    other_plan: Plan
    subscription: Subscription
    owner: Person
    coach: Person
    engineer: Person
    admin: Person
    member: Person
    other_admin: Person
    outsider_owner: Person


def activate(subscription: Subscription) -> Subscription:
    Subscription.objects.filter(pk=subscription.pk).update(status=SubscriptionStatus.ACTIVE)
    subscription.refresh_from_db()
    return subscription


def content_world(now: datetime | None = None) -> ContentWorld:
    now = now or timezone.now()
    provider = make_provider("Kestio")
    client = make_client(provider, "Boulangerie")
    other_client = make_client(provider, "Fromagerie")
    owner = make_staff(provider, Role.OWNER)
    coach = make_staff(provider, Role.COACH)
    engineer = make_staff(provider, Role.ENGINEER)
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    member = make_client_user(client, Role.CLIENT_MEMBER)
    other_admin = make_client_user(other_client, Role.CLIENT_ADMIN)
    accepted_terms(client, ServiceLine.COACHING_TRAINING, now)
    plan = coaching_plan(provider)
    other_plan = coaching_plan(provider, code="performance", name="Performance")
    subscription = billing_services.subscribe(now=now, actor=admin, client=client, plan=plan)
    other_provider = make_provider("Kalanda")
    return ContentWorld(
        provider=provider,
        client=client,
        other_client=other_client,
        plan=plan,
        other_plan=other_plan,
        subscription=activate(subscription),
        owner=owner,
        coach=coach,
        engineer=engineer,
        admin=admin,
        member=member,
        other_admin=other_admin,
        outsider_owner=make_staff(other_provider, Role.OWNER),
    )


def png_bytes(size: tuple[int, int] = (8, 8), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG", **save)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SECRET-CAMERA"  # Make
    exif[0x0131] = "SECRET-SOFTWARE"
    Image.new("RGB", (16, 16), (0, 90, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A small, real, one-page PDF (hand-written objects with a correct xref)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
