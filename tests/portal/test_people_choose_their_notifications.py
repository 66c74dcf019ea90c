"""The notifications page: a person switches optional notices off and chooses the
language of their e-mails; legal notices are shown without a switch and stay on; bad
input is a 400, not a 500; the choice is audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clausier.accounts.models import ServiceLine
from clausier.core.models import AuditEntry
from clausier.notify import preferences
from clausier.notify.models import NoticePreference
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)
URL = "/profil/notifications/"


@pytest.fixture
def admin(client):
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    client.force_login(w["admin"])
    return w["admin"]


def test_the_page_lists_every_kind_and_marks_the_legal_ones(client, admin):
    page = client.get(URL).content.decode()
    assert 'name="notices" value="invoice_issued" checked' in page
    assert 'id="notice-price_increase" checked disabled' in page
    assert "ne peut pas être désactivé" in page and "art. 8.1" in page
    assert "art. 11" in page  # terms published (managed hosting art. 11)


def test_switching_off_and_changing_language(client, admin):
    answer = client.post(URL, {"language": "de", "notices": ["payment_received"]})
    assert answer.status_code == 302
    admin.refresh_from_db()
    assert admin.language == "de"
    choices = preferences.choices_of(admin)
    assert choices["payment_received"] and not choices["invoice_issued"]
    # A legal notice cannot be switched off, whatever is posted.
    assert choices["price_increase"] and choices["terms_published"]
    assert not NoticePreference.objects.filter(kind__in=["price_increase", "terms_published"])
    entry = AuditEntry.objects.get(action="notify.preferences.changed")
    assert "invoice_issued" in entry.details["changed"]
    # The page now reads German.
    assert "Benachrichtigungen per E-Mail" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "data",
    [{"language": "es"}, {"language": "fr", "notices": ["nope"]}, {}],
)
def test_bad_input_is_refused_with_a_400(client, admin, data):
    answer = client.post(URL, data)
    assert answer.status_code == 400
    assert not NoticePreference.objects.exists()


def test_anonymous_people_are_sent_to_the_login(client):
    assert client.get(URL).status_code == 302
