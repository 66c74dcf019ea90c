"""Demo content for the coaching provider (Kestio): library items (one a real PDF written
at demo time), a team space with a thread, a reply and chat lines, and a challenge.

The library and spaces need a client with an active subscription, and the coaching
client of the main demo keeps its terms unaccepted (its admin tries the double click):
so the content demo has its own subscribed client, Studio Lambert, with an admin and a
collaborator. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import zlib
from datetime import timedelta
from io import BytesIO

from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Membership, Person, Provider, Role
from clausier.billing import services as billing
from clausier.billing.models import Plan, Subscription, SubscriptionStatus
from clausier.content import services, uploads
from clausier.content.models import ItemKind, LibraryItem, PostKind, Space
from clausier.terms import services as terms_services
from clausier.terms.models import TermsVersion

CLIENT = {
    "legal_name": "Studio Lambert SAS",
    "address_line1": "12 rue Sainte-Catherine",
    "postal_code": "33000",
    "city": "Bordeaux",
    "billing_email": "compta@studio-lambert.example",
    "email_domains": ["studio-lambert.example"],
}
PEOPLE = [
    (Role.CLIENT_ADMIN, "admin@studio-lambert.example", "Julie", "Lambert"),
    (Role.CLIENT_MEMBER, "nina@studio-lambert.example", "Nina", "Roche"),
]


def guide_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF with a title and a few lines of text (Helvetica)."""
    text = ["BT", "/F1 18 Tf", "56 780 Td", f"({_escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text += ["0 -22 Td", f"({_escape(line)}) Tj"]
    text.append("ET")
    stream = zlib.compress("\n".join(text).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
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


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _client(provider: Provider, password_hash: str) -> tuple[ClientOrganisation, list[Person]]:
    client = ClientOrganisation.objects.filter(
        provider=provider, legal_name=CLIENT["legal_name"]
    ).first()
    if client is None:
        client = ClientOrganisation(provider=provider, **CLIENT)
        client.full_clean()
        client.save()
    people = []
    for role, email, first, last in PEOPLE:
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            person = Person(email=email, first_name=first, last_name=last, password=password_hash)
            person.save()
        Membership.objects.get_or_create(
            person=person, provider=provider, client=client, defaults={"role": role}
        )
        people.append(person)
    return client, people


def _subscription(provider: Provider, client: ClientOrganisation, admin: Person) -> Subscription:
    existing = Subscription.objects.filter(client=client).first()
    if existing is not None:
        return existing
    now = timezone.now()
    terms = TermsVersion.objects.get(provider=provider)
    first, _text = terms_services.review(
        now=now, person=admin, client=client, terms=terms, language="fr"
    )
    terms_services.accept(
        now=now, person=admin, client=client, terms=terms, review_token=first.sign()
    )
    plan = Plan.objects.get(provider=provider, code="focus")
    subscription = billing.subscribe(now=now, actor=admin, client=client, plan=plan)
    invoice = subscription.invoice_lines.get().invoice
    billing.record_payment(
        now=now,
        invoice=invoice,
        amount=invoice.total_ttc,
        method="transfer",
        reference="DEMO-LAMBERT",
    )
    subscription.refresh_from_db()
    return subscription


def load(password_hash: str) -> list[tuple[str, str, str]]:
    """Load the content demo; returns its logins as (e-mail, role, where)."""
    provider = Provider.objects.get(slug="kestio")
    # The main demo's coach (the first): the coaching demo adds a second one.
    main_coach = (
        Membership.objects.filter(provider=provider, client=None, role=Role.COACH)
        .order_by("pk")
        .first()
    )
    assert main_coach is not None
    coach = main_coach.person
    client, (admin, member) = _client(provider, password_hash)
    logins = [
        (admin.email, str(Role.CLIENT_ADMIN.label), client.legal_name),
        (member.email, str(Role.CLIENT_MEMBER.label), client.legal_name),
    ]
    subscription = _subscription(provider, client, admin)
    if subscription.status != SubscriptionStatus.ACTIVE:
        return logins
    if LibraryItem.objects.filter(provider=provider).exists():
        return logins
    now = timezone.now()
    plans = list(Plan.objects.filter(provider=provider))
    pdf = guide_pdf(
        "Guide du manager coach",
        [
            "1. Preparer chaque seance : un objectif, une question.",
            "2. Ecouter plus que parler : 70 / 30.",
            "3. Conclure par un engagement date.",
        ],
    )
    upload = uploads.store(
        now=now, actor=coach, provider=provider, name="Guide du manager.pdf", stream=BytesIO(pdf)
    )
    services.create_item(
        now=now,
        actor=coach,
        provider=provider,
        kind=ItemKind.MANUAL,
        title="Guide du manager coach",
        description="Les trois gestes d'une séance de coaching réussie.",
        language="fr",
        upload=upload,
        plans=plans,
    )
    for kind, title, language, url in [
        (
            ItemKind.VIDEO,
            "Donner un feedback en 5 minutes",
            "fr",
            "https://videos.example/feedback",
        ),
        (
            ItemKind.REPLAY,
            "Replay : atelier prise de parole",
            "fr",
            "https://videos.example/replay-1",
        ),
        (ItemKind.TOOL, "Feedback canvas", "en", "https://tools.example/feedback-canvas"),
    ]:
        services.create_item(
            now=now,
            actor=coach,
            provider=provider,
            kind=kind,
            title=title,
            language=language,
            url=url,
            plans=plans,
        )
    space = Space.objects.filter(subscription=subscription).first() or services.open_team_space(
        now=now, actor=coach, subscription=subscription, title="Équipe Studio Lambert"
    )
    question = services.post(
        now=now - timedelta(hours=3),
        actor=member,
        space=space,
        body="Comment préparer l'entretien annuel avec un collaborateur qui se démotive ?",
    )
    services.post(
        now=now - timedelta(hours=2),
        actor=coach,
        space=space,
        parent=question,
        body="Commencez par ses réussites de l'année, puis demandez-lui ce qui l'aiderait.",
    )
    for minutes, person, body in [
        (50, admin, "Bonjour à tous, la séance de jeudi est maintenue."),
        (45, member, "Merci, j'y serai !"),
    ]:
        services.post(
            now=now - timedelta(minutes=minutes),
            actor=person,
            space=space,
            body=body,
            kind=PostKind.CHAT,
        )
    services.set_challenge(
        now=now,
        actor=coach,
        subscription=subscription,
        title="Pitch de deux minutes",
        instructions="Présentez votre équipe en deux minutes ; joignez vos notes en PDF.",
        due_on=(now + timedelta(days=10)).date(),
    )
    return logins
