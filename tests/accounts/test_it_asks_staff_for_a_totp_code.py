"""Staff two-factor login (issue 16): a TOTP authenticator enrolled with a first code,
asked after the password, limited like the password, recovery codes stored hashed and
usable once, the secret sealed at rest, and an owner's rule that staff must enrol."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client

from clausier.accounts import two_factor
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import RecoveryCode, Role, TwoFactorDevice
from clausier.core.models import AuditEntry
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 12, 9, 0, 10, tzinfo=UTC)


def rfc6238(secret: str, at: datetime, digits: int = 6) -> str:
    """An independent TOTP (RFC 6238, SHA-1, 30 s), as an authenticator app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at.timestamp()) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _enrol(browser: Client, at: datetime) -> tuple[str, list[str]]:
    page = browser.get("/profil/double-authentification/").content.decode()
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page).group(1)
    done = browser.post(
        "/profil/double-authentification/",
        {"action": "confirm", "code": rfc6238(secret, at)},
    ).content.decode()
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done)
    return secret, codes


def _password(email: str, browser: Client | None = None) -> tuple[Client, object]:
    browser = browser or Client()
    return browser, browser.post("/connexion/", {"email": email, "password": PASSWORD})


@pytest.fixture
def provider():
    return make_provider("Kalanda")


@pytest.fixture
def engineer(provider):
    return make_staff(provider, Role.ENGINEER)


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_it_matches_the_rfc_6238_test_vectors(unix_time, expected):
    key = b"12345678901234567890"
    step = two_factor.time_step(datetime.fromtimestamp(unix_time, tz=UTC))
    assert two_factor.hotp(key, step, digits=8) == expected


def test_enrolment_shows_a_server_drawn_qr_code_and_stores_the_secret_sealed(engineer):
    browser = Client()
    browser.force_login(engineer)
    with time_machine.travel(T0, tick=False):
        page = browser.get("/profil/double-authentification/")
        html = page.content.decode()
        assert page.status_code == 200 and page["Cache-Control"] == "no-store"
        assert "<svg" in html and "otpauth" not in html.split("<svg")[0][-200:]
        secret, codes = _enrol(browser, T0)
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TwoFactorDevice.objects.get(person=engineer)
    assert device.confirmed_at == T0 and device.secret == secret
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {TwoFactorDevice._meta.db_table}")
        (raw,) = cursor.fetchone()
        cursor.execute(f"SELECT code_hash FROM {RecoveryCode._meta.db_table}")
        hashes = {row[0] for row in cursor.fetchall()}
    assert raw.startswith("gAAAAA") and secret not in raw
    assert hashes == {RecoveryCode.hash_code(code) for code in codes}
    assert not hashes & set(codes)
    assert AuditEntry.objects.filter(action="person.two_factor_enabled", actor=engineer).exists()
    # Shown once: the page does not list them again.
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        again = browser.get("/profil/double-authentification/").content.decode()
    assert codes[0] not in again and "10 codes de secours inutilisés" in again


def test_a_wrong_first_code_does_not_enrol(engineer):
    browser = Client()
    browser.force_login(engineer)
    with time_machine.travel(T0, tick=False):
        browser.get("/profil/double-authentification/")
        secret = TwoFactorDevice.objects.get(person=engineer).secret
        wrong = str((int(rfc6238(secret, T0)) + 1) % 10**6).zfill(6)
        page = browser.post(
            "/profil/double-authentification/", {"action": "confirm", "code": wrong}
        )
        assert page.status_code == 400
        assert "Code incorrect" in page.content.decode()
        bad = browser.post(
            "/profil/double-authentification/", {"action": "confirm", "code": "x" * 5000}
        )
        assert bad.status_code == 400
    assert TwoFactorDevice.objects.get(person=engineer).confirmed_at is None


def test_the_login_asks_for_the_code_after_the_password(engineer):
    enrolling = Client()
    enrolling.force_login(engineer)
    with time_machine.travel(T0, tick=False):
        secret, _codes = _enrol(enrolling, T0)
    later = T0 + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        browser, answer = _password(engineer.email)
        assert answer.status_code == 302 and answer["Location"] == "/connexion/code/"
        # The password alone opens nothing.
        assert browser.get("/factures/").status_code == 302
        assert "_auth_user_id" not in browser.session
        done = browser.post("/connexion/code/", {"code": rfc6238(secret, later)})
        assert done.status_code == 302 and done["Location"] == "/"
        assert browser.get("/profil/").status_code == 200


@pytest.mark.parametrize(
    ("offset_seconds", "accepted"),
    [(-41, False), (-40, True), (0, True), (19, True), (20, True), (49, True), (50, False)],
)
def test_a_code_is_accepted_one_step_either_side_only(engineer, offset_seconds, accepted):
    with time_machine.travel(T0, tick=False):
        device = two_factor.pending_device(engineer, T0)
        two_factor.confirm_enrolment(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    # T0 (and `later`) is 10 s into its step: -40 s starts the previous step, +49 s is
    # the last second of the next one.
    later = T0 + timedelta(minutes=10)
    code = rfc6238(device.secret, later + timedelta(seconds=offset_seconds))
    assert two_factor.verify(person=engineer, code=code, now=later) is accepted


def test_a_code_is_never_accepted_twice(engineer):
    device = two_factor.pending_device(engineer, T0)
    two_factor.confirm_enrolment(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    # The enrolment's own code is spent.
    assert not two_factor.verify(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    later = T0 + timedelta(minutes=2)
    code = rfc6238(device.secret, later)
    assert two_factor.verify(person=engineer, code=code, now=later)
    assert not two_factor.verify(person=engineer, code=code, now=later + timedelta(seconds=5))
    # An older step, still within the drift window, after a newer one was used: refused.
    older = rfc6238(device.secret, later - timedelta(seconds=30))
    assert not two_factor.verify(person=engineer, code=older, now=later)


def test_a_recovery_code_works_once(engineer):
    device = two_factor.pending_device(engineer, T0)
    codes = two_factor.confirm_enrolment(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    later = T0 + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        browser, _answer = _password(engineer.email)
        assert browser.post("/connexion/code/", {"code": codes[3].upper()}).status_code == 302
        other, _answer = _password(engineer.email)
        again = other.post("/connexion/code/", {"code": codes[3]})
    assert again.status_code == 400
    assert two_factor.recovery_codes_left(engineer) == 9
    entry = AuditEntry.objects.get(action="person.recovery_code_used")
    assert entry.details == {"left": 9}


def test_wrong_codes_lock_the_account_like_wrong_passwords(engineer, settings):
    device = two_factor.pending_device(engineer, T0)
    two_factor.confirm_enrolment(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    later = T0 + timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        browser, _answer = _password(engineer.email)
        answers = [
            browser.post("/connexion/code/", {"code": "000000"}).status_code
            for _attempt in range(settings.LOGIN_MAX_FAILURES)
        ]
        assert answers == [400] * (settings.LOGIN_MAX_FAILURES - 1) + [429]
        locked = browser.post("/connexion/code/", {"code": rfc6238(device.secret, later)})
        assert locked.status_code == 429
        assert "Trop de tentatives" in locked.content.decode()
        # The password door is locked too: it is the same count.
        assert _password(engineer.email)[1].status_code == 429
    assert "000000" not in str(list(AuditEntry.objects.values_list("details", flat=True)))


def test_the_code_must_follow_the_password_within_the_window(engineer, settings):
    device = two_factor.pending_device(engineer, T0)
    two_factor.confirm_enrolment(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    start = T0 + timedelta(minutes=5)
    with time_machine.travel(start, tick=False):
        browser, _answer = _password(engineer.email)
    late = start + timedelta(seconds=settings.TWO_FACTOR_PENDING_SECONDS + 1)
    with time_machine.travel(late, tick=False):
        answer = browser.post("/connexion/code/", {"code": rfc6238(device.secret, late)})
    assert answer.status_code == 302 and answer["Location"] == "/connexion/"
    assert "_auth_user_id" not in browser.session
    # Without a password first, the code page sends to the login page.
    assert Client().get("/connexion/code/")["Location"] == "/connexion/"


def test_the_back_office_door_sends_an_enrolled_account_to_the_portal(engineer):
    device = two_factor.pending_device(engineer, T0)
    two_factor.confirm_enrolment(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    browser = Client()
    page = browser.post("/admin/login/", {"username": engineer.email, "password": PASSWORD})
    assert page.status_code == 200
    assert "double authentification" in page.content.decode()
    assert "_auth_user_id" not in browser.session


def test_an_owner_requires_two_factor_of_every_staff_member(provider, engineer):
    owner = make_staff(provider, Role.OWNER)
    owner_browser = Client()
    owner_browser.force_login(owner)
    page = owner_browser.get("/profil/double-authentification/").content.decode()
    assert "Exiger la double authentification de tout le personnel" in page
    answer = owner_browser.post(
        "/profil/double-authentification/",
        {"action": "require", "provider": provider.pk, "required": "on"},
    )
    assert answer.status_code == 302
    provider.refresh_from_db()
    assert provider.staff_two_factor_required
    entry = AuditEntry.objects.get(action="provider.staff_two_factor_required")
    assert entry.provider == provider and entry.actor == owner
    assert entry.details == {"staff_not_enrolled": 2}

    # The engineer's next login goes to enrolment, and nowhere else until it is done.
    with time_machine.travel(T0, tick=False):
        browser, answer = _password(engineer.email)
        assert answer["Location"] == "/profil/double-authentification/"
        assert browser.get("/factures/")["Location"] == "/profil/double-authentification/"
        assert browser.get("/api/me").status_code == 403
        _secret, codes = _enrol(browser, T0)
        assert len(codes) == 10
        assert browser.get("/profil/").status_code == 200
    # Required: it cannot be removed.
    with pytest.raises(NotAllowed):
        two_factor.disable(person=engineer, code=codes[0], now=T0)


def test_only_an_owner_sets_the_rule_and_only_staff_enrol(provider, engineer):
    other = make_provider("Kestio")
    stranger_owner = make_staff(other, Role.OWNER)
    with pytest.raises(NotAllowed):
        two_factor.set_staff_requirement(actor=engineer, provider=provider, required=True, now=T0)
    browser = Client()
    browser.force_login(stranger_owner)
    answer = browser.post(
        "/profil/double-authentification/",
        {"action": "require", "provider": provider.pk, "required": "on"},
    )
    assert answer.status_code == 404
    provider.refresh_from_db()
    assert not provider.staff_two_factor_required
    member = make_client_user(make_client(provider), Role.CLIENT_ADMIN)
    client_browser = Client()
    client_browser.force_login(member)
    assert client_browser.get("/profil/double-authentification/").status_code == 404
    assert "double-authentification" not in client_browser.get("/profil/").content.decode()


def test_disabling_asks_a_current_code(engineer):
    device = two_factor.pending_device(engineer, T0)
    two_factor.confirm_enrolment(person=engineer, code=rfc6238(device.secret, T0), now=T0)
    browser = Client()
    browser.force_login(engineer)
    later = T0 + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        refused = browser.post(
            "/profil/double-authentification/", {"action": "disable", "code": "123"}
        )
        assert refused.status_code == 400
        assert TwoFactorDevice.objects.filter(person=engineer).exists()
        done = browser.post(
            "/profil/double-authentification/",
            {"action": "disable", "code": rfc6238(device.secret, later)},
        )
    assert done.status_code == 302
    assert not TwoFactorDevice.objects.filter(person=engineer).exists()
    assert AuditEntry.objects.filter(action="person.two_factor_disabled").exists()
    # Without an authenticator, the password alone logs in again.
    assert _password(engineer.email)[1]["Location"] == "/"
