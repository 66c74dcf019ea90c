"""Staff two-factor login with a TOTP authenticator (issue 16), RFC 6238 over RFC 4226.

Why the standard library rather than django-otp: django-otp's `TOTPDevice` keeps its key
in clear in a hex column and its static (recovery) tokens in clear too, whereas a secret
at rest must be sealed under CLAUSIER_SECRET_KEYS (`EncryptedTextField`, rotated by
`clausier rotate_secrets`) and recovery codes must be stored hashed. Wrapping django-otp's
models to change that is more code than the algorithm itself: HOTP is one HMAC-SHA1 and a
dynamic truncation (RFC 4226 §5.3), TOTP the same on the 30-second time step (RFC 6238
§4), checked below against the RFC's own test vectors.

Every step takes `now`. A code is accepted within one step either side (clock drift,
RFC 6238 §5.2), never twice: the device keeps the last accepted step and a conditional
UPDATE claims a newer one. Wrong codes count as failed logins of the account in the one
login limiter (`clausier.accounts.logins`, django-axes), so five wrong codes lock it as
five wrong passwords do.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

import segno
from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import AccountsError, NotAllowed
from clausier.accounts.models import (
    Membership,
    Person,
    Provider,
    RecoveryCode,
    Role,
    TwoFactorDevice,
)
from clausier.core import audit

STEP_SECONDS = 30
DIGITS = 6
# One step either side: a phone a few seconds off, or a code typed as it changes.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
ISSUER = "Clausier"
_CODE = re.compile(r"^\d{6}$")


# --- RFC 4226 / RFC 6238 -------------------------------------------------------------


def new_secret() -> str:
    """160 random bits (RFC 4226 §4 recommends 160), base32 as authenticator apps read it."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(now: datetime) -> int:
    """RFC 6238 §4.2: T = floor((Unix time - T0) / X), T0 = 0, X = 30 s."""
    return int(now.timestamp()) // STEP_SECONDS


def totp(secret: str, now: datetime) -> str:
    return hotp(_key(secret), time_step(now))


def provisioning_uri(person: Person, secret: str) -> str:
    """The otpauth:// URI authenticator apps scan (Key Uri Format)."""
    label = quote(f"{ISSUER}:{person.email}")
    query = urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code, drawn on the server (no script, no CDN)."""
    code = segno.make(uri, error="m")
    svg: str = code.svg_inline(scale=4, dark="#111", light="#fff", title=_("QR code à scanner"))
    return svg


# --- Who must or may enrol ------------------------------------------------------------


def is_staff(person: Person) -> bool:
    return bool(scoping.staff_provider_ids(person))


def device_of(person: Person) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(person=person).first()


def enrolled(person: Person) -> bool:
    return TwoFactorDevice.objects.filter(person=person, confirmed_at__isnull=False).exists()


def required_for(person: Person) -> bool:
    """An owner of one of the person's providers requires two-factor login of its staff."""
    return Provider.objects.filter(
        pk__in=scoping.staff_provider_ids(person), staff_two_factor_required=True
    ).exists()


def must_enrol(person: Person) -> bool:
    return required_for(person) and not enrolled(person)


# --- Enrolment ------------------------------------------------------------------------


def pending_device(person: Person, now: datetime) -> TwoFactorDevice:
    """The device being enrolled (created on first visit): its secret is not yet in force."""
    if not is_staff(person):
        raise NotAllowed(_("La double authentification est réservée au personnel du prestataire."))
    device, _created = TwoFactorDevice.objects.get_or_create(
        person=person, defaults={"secret": new_secret(), "created_at": now}
    )
    if device.confirmed_at is not None:
        raise AccountsError(_("La double authentification est déjà activée."), "already_enrolled")
    return device


def _new_recovery_codes(device: TwoFactorDevice) -> list[str]:
    device.recovery_codes.all().delete()
    codes = [
        "-".join(secrets.token_hex(5)[i : i + 5] for i in (0, 5)) for _n in range(RECOVERY_CODES)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=RecoveryCode.hash_code(code)) for code in codes
    )
    return codes


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    current = time_step(now)
    key = _key(secret)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def confirm_enrolment(
    *, person: Person, code: str, now: datetime, ip_address: str | None = None
) -> list[str]:
    """The first code proves the app holds the secret: the device is in force from now on.
    Returns the recovery codes, in clear this once only."""
    device = pending_device(person, now)
    code = (code or "").strip().replace(" ", "")
    step = _matching_step(device.secret, code, now) if _CODE.match(code) else None
    if step is None:
        raise AccountsError(
            _("Code incorrect : saisissez les 6 chiffres affichés par l'application."),
            "invalid_code",
        )
    with transaction.atomic():
        claimed = TwoFactorDevice.objects.filter(pk=device.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, last_time_step=step
        )
        if claimed != 1:
            raise AccountsError(
                _("La double authentification est déjà activée."), "already_enrolled"
            )
        codes = _new_recovery_codes(device)
        audit.record("person.two_factor_enabled", person, actor=person, ip_address=ip_address)
    return codes


def verify(*, person: Person, code: str, now: datetime, ip_address: str | None = None) -> bool:
    """A login's second factor: a current TOTP code, or an unused recovery code."""
    device = TwoFactorDevice.objects.filter(person=person, confirmed_at__isnull=False).first()
    code = (code or "").strip().replace(" ", "")
    if device is None or not code:
        return False
    if _CODE.match(code):
        step = _matching_step(device.secret, code, now)
        # Claiming the step refuses a code already used, even by a concurrent request.
        return step is not None and (
            TwoFactorDevice.objects.filter(pk=device.pk, last_time_step__lt=step).update(
                last_time_step=step
            )
            == 1
        )
    with transaction.atomic():
        used = RecoveryCode.objects.filter(
            device=device, code_hash=RecoveryCode.hash_code(code), used_at__isnull=True
        ).update(used_at=now)
        if used != 1:
            return False
        left = device.recovery_codes.filter(used_at__isnull=True).count()
        audit.record(
            "person.recovery_code_used",
            person,
            actor=person,
            details={"left": left},
            ip_address=ip_address,
        )
    return True


def recovery_codes_left(person: Person) -> int:
    return RecoveryCode.objects.filter(device__person=person, used_at__isnull=True).count()


def regenerate_recovery_codes(
    *, person: Person, code: str, now: datetime, ip_address: str | None = None
) -> list[str]:
    """New recovery codes, the old ones dead; asks a current code first."""
    device = TwoFactorDevice.objects.filter(person=person, confirmed_at__isnull=False).first()
    if device is None or not verify(person=person, code=code, now=now, ip_address=ip_address):
        raise AccountsError(_("Code incorrect."), "invalid_code")
    with transaction.atomic():
        codes = _new_recovery_codes(device)
        audit.record("person.recovery_codes_renewed", person, actor=person, ip_address=ip_address)
    return codes


def disable(*, person: Person, code: str, now: datetime, ip_address: str | None = None) -> None:
    """Remove the authenticator, after a current code; refused while an owner requires it."""
    if required_for(person):
        raise NotAllowed(
            _("Votre prestataire exige la double authentification : elle ne peut être retirée.")
        )
    if not verify(person=person, code=code, now=now, ip_address=ip_address):
        raise AccountsError(_("Code incorrect."), "invalid_code")
    with transaction.atomic():
        TwoFactorDevice.objects.filter(person=person).delete()
        audit.record("person.two_factor_disabled", person, actor=person, ip_address=ip_address)


# --- The owner's rule -----------------------------------------------------------------


def owned_providers(person: Person) -> list[Provider]:
    ids = scoping.staff_provider_ids(person, {Role.OWNER.value})
    return list(Provider.objects.filter(pk__in=ids).order_by("legal_name"))


def set_staff_requirement(
    *,
    actor: Person,
    provider: Provider,
    required: bool,
    now: datetime,
    ip_address: str | None = None,
) -> None:
    """The owner requires (or no longer requires) two-factor login of every staff member."""
    if not scoping.is_owner_of(actor, provider.pk):
        raise NotAllowed(_("Seul le propriétaire du prestataire peut changer cette règle."))
    with transaction.atomic():
        changed = (
            Provider.objects.filter(pk=provider.pk)
            .exclude(staff_two_factor_required=required)
            .update(staff_two_factor_required=required)
        )
        provider.staff_two_factor_required = required
        if changed:
            not_enrolled = (
                Membership.objects.active()
                .staff()
                .filter(provider=provider)
                .exclude(person__two_factor_device__confirmed_at__isnull=False)
                .count()
            )
            audit.record(
                "provider.staff_two_factor_required"
                if required
                else "provider.staff_two_factor_optional",
                provider,
                actor=actor,
                provider=provider,
                details={"staff_not_enrolled": not_enrolled},
                ip_address=ip_address,
            )
