import pytest

from clausier.core import audit
from clausier.core.models import AppendOnlyError, AuditEntry
from tests.helpers import make_provider, make_staff

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted():
    provider = make_provider()
    owner = make_staff(provider)
    entry = audit.record("provider.updated", provider, actor=owner, provider=provider)
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "provider.updated"


def test_entries_take_the_server_time_and_name_the_object(time_machine):
    from datetime import UTC, datetime

    time_machine.move_to(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), tick=False)
    provider = make_provider()
    entry = audit.record(
        "provider.updated", provider, provider=provider, details={"fields": ["city"]}
    )
    assert entry.at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (entry.object_type, entry.object_id) == ("accounts.provider", str(provider.pk))


def test_staff_read_the_log_of_their_provider_only(client):
    provider, other = make_provider(), make_provider("Autre")
    owner = make_staff(provider)
    audit.record("provider.updated", provider, provider=provider)
    audit.record("provider.updated", other, provider=other)
    client.force_login(owner)
    page = client.get("/admin/core/auditentry/")
    assert page.status_code == 200
    assert provider.legal_name in page.content.decode()
    assert f">{other.legal_name}<" not in page.content.decode()
