"""Training documents kept as evidence: the attendance sheet of each half-day (feuille
d'émargement) and the certificat de réalisation of each participant (Ministry of Labour
model), rendered by WeasyPrint like the invoices, written once under
VAR_DIR/training/<provider id>/ (billing's `write_once`) and recorded with their SHA-256.

Retention: 6 years from the document's day for both (`RETENTION_YEARS`): the sheets and
certificates back the OPCO's invoice, which the Code de commerce (L123-22) keeps 10
years as an accounting record and the tax code 6 (LPF L102 B); the certificate's own
legal minimum is 3 years after the end of the year of the last payment. See
docs/training.md, "Retention".
"""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clausier.billing.invoicing.documents.storage import write_once
from clausier.terms.zone import contract_day, contract_zone
from clausier.training import services
from clausier.training.errors import TrainingError
from clausier.training.models import (
    DocumentKind,
    Enrolment,
    OrganisationProfile,
    Presence,
    RemoteInterval,
    Signature,
    SignerRole,
    Slot,
    TrainingDocument,
)

RETENTION_YEARS = 6
TEMPLATES = Path(__file__).resolve().parent / "templates" / "training" / "documents"


def documents_dir(provider_id: int) -> Path:
    return Path(settings.VAR_DIR) / "training" / str(provider_id)


def _retain_until(day: date) -> date:
    try:
        return day.replace(year=day.year + RETENTION_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + RETENTION_YEARS, day=28)


_per_thread = threading.local()


def _renderer() -> tuple[Any, Any]:
    """This thread's font configuration and parsed stylesheet, made once (as invoices do:
    a Pango font map is not thread-safe, and building one costs most of a page)."""
    cached = getattr(_per_thread, "renderer", None)
    if cached is None:
        from weasyprint import CSS  # noqa: PLC0415 - heavy import, first document only
        from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 - same

        fonts = FontConfiguration()
        css = CSS(string=(TEMPLATES / "base.css").read_text(encoding="utf-8"), font_config=fonts)
        cached = _per_thread.renderer = (fonts, css)
    return cached


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """HTML -> PDF through WeasyPrint, in French (the language of the contract)."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, first document only

    fonts, css = _renderer()
    with translation.override("fr"):
        html = render_to_string(f"training/documents/{template}", context)
    return bytes(HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts))


def _name(person: Any) -> str:
    return str(person.full_name or person.email)


def _signatory(profile: OrganisationProfile | None, fallback: str) -> str:
    if profile is None:
        return fallback
    title = f", {profile.signatory_title}" if profile.signatory_title else ""
    return f"{profile.signatory_name}{title}"


def _store(
    *,
    now: datetime,
    kind: str,
    session_id: int,
    provider_id: int,
    name: str,
    content: bytes,
    slot: Slot | None = None,
    enrolment: Enrolment | None = None,
    hours: Any = None,
) -> TrainingDocument:
    digest = hashlib.sha256(content).hexdigest()
    path = write_once(documents_dir(provider_id) / f"{name}-{digest[:12]}.pdf", content)
    return TrainingDocument.objects.create(
        provider_id=provider_id,
        session_id=session_id,
        kind=kind,
        slot=slot,
        enrolment=enrolment,
        hours=hours,
        path=str(path.relative_to(Path(settings.VAR_DIR))),
        sha256=digest,
        created_at=now,
        retain_until=_retain_until(contract_day(now)),
    )


def attendance_sheet(*, now: datetime, slot: Slot) -> TrainingDocument:
    """The validated half-day's sheet: each participant's status and e-signature, and the
    trainer's countersignature, with their chained digests. Made once per half-day."""
    existing = TrainingDocument.objects.filter(
        kind=DocumentKind.ATTENDANCE_SHEET, slot=slot
    ).first()
    if existing is not None:
        return existing
    if slot.validated_at is None:
        raise TrainingError(_("La demi-journée n'est pas validée par le formateur."))
    session = slot.session
    countersignature = Signature.objects.get(slot=slot, role=SignerRole.TRAINER)
    signatures = {
        s.enrolment_id: s for s in Signature.objects.filter(slot=slot, role=SignerRole.PARTICIPANT)
    }
    zone = contract_zone()
    connections: dict[int, list[str]] = {}
    connected: dict[int, int] = {}
    for interval in RemoteInterval.objects.filter(slot=slot).order_by("joined_at"):
        connections.setdefault(interval.enrolment_id, []).append(
            f"{interval.joined_at.astimezone(zone):%H:%M}–{interval.left_at.astimezone(zone):%H:%M}"
        )
        connected[interval.enrolment_id] = connected.get(interval.enrolment_id, 0) + int(
            (interval.left_at - interval.joined_at).total_seconds() // 60
        )
    rows = []
    for attendance in slot.attendances.select_related(
        "enrolment__participant", "enrolment__quote__client"
    ).order_by("enrolment__participant__last_name", "enrolment__participant__email"):
        enrolment = attendance.enrolment
        rows.append(
            {
                "name": _name(enrolment.participant),
                "employer": enrolment.quote.client.legal_name,
                "status": attendance.get_status_display(),
                "partial": attendance.status == Presence.PARTIAL,
                "minutes": attendance.minutes,
                "signature": signatures.get(enrolment.pk),
                "connections": connections.get(enrolment.pk, []),
                "connected": connected.get(enrolment.pk, 0),
            }
        )
    content = render_pdf(
        "attendance_sheet.html",
        {
            "provider": session.provider,
            "profile": OrganisationProfile.objects.filter(provider=session.provider).first(),
            "training": session.training,
            "slot": slot,
            "starts": slot.starts_at.astimezone(zone),
            "ends": slot.ends_at.astimezone(zone),
            "trainer_name": _name(session.trainer.person),
            "location": session.location,
            "rows": rows,
            "countersignature": countersignature,
            "remote": bool(slot.session.room_name),
        },
    )
    with transaction.atomic():
        return _store(
            now=now,
            kind=DocumentKind.ATTENDANCE_SHEET,
            session_id=session.pk,
            provider_id=session.provider_id,
            name=f"emargement-{session.pk}-{slot.day.isoformat()}-{slot.half}",
            content=content,
            slot=slot,
        )


def certificate(*, now: datetime, enrolment: Enrolment) -> TrainingDocument:
    """The certificat de réalisation: the hours actually done (validated half-days and
    completed e-learning), the same hours the OPCO's invoice bills. Made once."""
    existing = TrainingDocument.objects.filter(
        kind=DocumentKind.CERTIFICATE, enrolment=enrolment
    ).first()
    if existing is not None:
        return existing
    hours = services.enrolment_hours(enrolment)  # every half-day validated, or refused
    session = enrolment.quote.session
    slots = list(session.slots.order_by("starts_at"))
    profile = OrganisationProfile.objects.filter(provider=session.provider).first()
    last = Signature.objects.filter(session=session).order_by("-pk").first()
    content = render_pdf(
        "certificate.html",
        {
            "provider": session.provider,
            "profile": profile,
            "profile_signatory": _signatory(profile, session.provider.legal_name),
            "participant_name": _name(enrolment.participant),
            "client": enrolment.quote.client,
            "training": session.training,
            "first_day": slots[0].day,
            "last_day": slots[-1].day,
            "hours": hours.done,
            "planned": hours.planned,
            "today": contract_day(now),
            "chain_head": last.digest if last else "—",
        },
    )
    with transaction.atomic():
        return _store(
            now=now,
            kind=DocumentKind.CERTIFICATE,
            session_id=session.pk,
            provider_id=session.provider_id,
            name=f"certificat-{session.pk}-{enrolment.pk}",
            content=content,
            enrolment=enrolment,
            hours=hours.done,
        )


def stored_bytes(document: TrainingDocument) -> bytes:
    """The kept file, checked against its recorded hash."""
    try:
        content = (Path(settings.VAR_DIR) / document.path).read_bytes()
    except FileNotFoundError:
        raise TrainingError(
            _("Le document conservé est introuvable."), "document_missing"
        ) from None
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise TrainingError(_("Le document conservé ne correspond plus à son empreinte."))
    return content
