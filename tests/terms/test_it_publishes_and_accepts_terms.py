"""CGV versions: publication with notice (managed hosting art. 11), acceptance by
"double clic positif" (coaching art. 2), the accepted version applies (coaching art. 11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Role, ServiceLine
from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from clausier.terms import services
from clausier.terms.models import Acceptance, FrozenTermsError, TermsVersion
from clausier.terms.packs import PackError
from tests.helpers import make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def setting():
    provider = make_provider("Kalanda")
    client = make_client(provider, "Boulangerie")
    return {
        "provider": provider,
        "client": client,
        "owner": make_staff(provider, Role.OWNER),
        "engineer": make_staff(provider, Role.ENGINEER),
        "admin": make_client_user(client, Role.CLIENT_ADMIN),
        "member": make_client_user(client, Role.CLIENT_MEMBER),
    }


def draft(s, line=ServiceLine.MANAGED_HOSTING, version="2026-11", **texts) -> TermsVersion:
    return services.create_draft(
        now=NOW,
        actor=s["owner"],
        provider=s["provider"],
        service_line=line,
        version=version,
        pack_version="1.0",
        text_fr=texts.get("fr", "Article 1 — Objet. Texte qui fait foi."),
        text_de=texts.get("de", ""),
        text_en=texts.get("en", ""),
    )


def published(s, **kwargs) -> TermsVersion:
    return services.publish(now=NOW, actor=s["owner"], terms=draft(s, **kwargs))


def test_publishing_tells_client_admins_and_gives_the_art_11_deadline(setting):
    terms = services.publish(
        now=NOW, actor=setting["owner"], terms=draft(setting), effective_at=NOW + timedelta(days=30)
    )
    [message] = OutboxMessage.objects.filter(template="terms_published")
    assert message.to_email == setting["admin"].email
    # Entry into force 22 Dec 2026; 30 days to terminate: 21 Jan 2027 (Art. 11).
    assert "21 janvier 2027" in message.body
    assert "Art. 11" in message.body
    assert f"/conditions/{terms.pk}/" in message.body
    assert AuditEntry.objects.filter(action="terms.published").count() == 1


def test_coaching_terms_give_no_termination_window(setting):
    services.publish(
        now=NOW, actor=setting["owner"], terms=draft(setting, line=ServiceLine.COACHING_TRAINING)
    )
    message = OutboxMessage.objects.get(template="terms_published")
    assert "résilier" not in message.body


def test_only_the_owner_publishes(setting):
    terms = draft(setting)
    with pytest.raises(NotAllowed):
        services.publish(now=NOW, actor=setting["engineer"], terms=terms)


def test_a_version_is_published_once_and_then_frozen(setting):
    terms = published(setting)
    with pytest.raises(services.TermsError, match="déjà publiée"):
        services.publish(now=NOW, actor=setting["owner"], terms=terms)
    terms.text_fr = "autre texte"
    with pytest.raises(FrozenTermsError):
        terms.save()


def test_an_unknown_pack_version_is_refused(setting):
    with pytest.raises(services.TermsError, match="Aucun pack"):
        services.create_draft(
            now=NOW,
            actor=setting["owner"],
            provider=setting["provider"],
            service_line=ServiceLine.MANAGED_HOSTING,
            version="x",
            pack_version="9.9",
            text_fr="t",
        )


def test_double_click_records_who_when_what_and_where(setting):
    terms = published(setting)
    first, text = services.review(
        now=NOW, person=setting["admin"], client=setting["client"], terms=terms, language="fr"
    )
    assert text.startswith("Article 1")
    later = NOW + timedelta(minutes=2)
    acceptance = services.accept(
        now=later,
        person=setting["admin"],
        client=setting["client"],
        terms=terms,
        review_token=first.sign(),
        ip_address="203.0.113.9",
    )
    assert (acceptance.reviewed_at, acceptance.accepted_at) == (NOW, later)
    assert acceptance.language == "fr"
    assert acceptance.text_digest == TermsVersion.digest(text)
    assert acceptance.ip_address == "203.0.113.9"
    assert acceptance.pack_version == "1.0"
    assert services.require_acceptance(setting["client"], ServiceLine.MANAGED_HOSTING) == acceptance
    with pytest.raises(services.TermsError, match="déjà acceptées"):
        services.accept(
            now=later,
            person=setting["admin"],
            client=setting["client"],
            terms=terms,
            review_token=first.sign(),
        )


@pytest.mark.parametrize(
    ("delay", "ok"),
    [
        (timedelta(minutes=59, seconds=59), True),
        (timedelta(hours=1), True),
        (timedelta(hours=1, seconds=1), False),
    ],
)
def test_the_second_click_must_follow_within_the_hour(setting, delay, ok):
    terms = published(setting)
    first, _text = services.review(
        now=NOW, person=setting["admin"], client=setting["client"], terms=terms, language="fr"
    )

    def accept():
        return services.accept(
            now=NOW + delay,
            person=setting["admin"],
            client=setting["client"],
            terms=terms,
            review_token=first.sign(),
        )

    if ok:
        assert accept()
    else:
        with pytest.raises(services.TermsError, match="expiré"):
            accept()


def test_a_tampered_or_foreign_token_is_refused(setting):
    terms = published(setting)
    first, _text = services.review(
        now=NOW, person=setting["admin"], client=setting["client"], terms=terms, language="fr"
    )
    with pytest.raises(services.TermsError, match="invalide"):
        services.accept(
            now=NOW,
            person=setting["admin"],
            client=setting["client"],
            terms=terms,
            review_token=first.sign() + "x",
        )
    other_admin = make_client_user(setting["client"], Role.CLIENT_ADMIN)
    with pytest.raises(services.TermsError, match="invalide"):
        services.accept(
            now=NOW,
            person=other_admin,
            client=setting["client"],
            terms=terms,
            review_token=first.sign(),
        )
    assert not Acceptance.objects.exists()


@pytest.mark.parametrize("who", ["member", "owner", "engineer"])
def test_only_the_client_admin_accepts(setting, who):
    terms = published(setting)
    with pytest.raises(NotAllowed):
        services.review(
            now=NOW, person=setting[who], client=setting["client"], terms=terms, language="fr"
        )


def test_a_draft_cannot_be_accepted(setting):
    terms = draft(setting)
    with pytest.raises(NotAllowed):
        services.review(
            now=NOW, person=setting["admin"], client=setting["client"], terms=terms, language="fr"
        )


def test_translations_are_shown_when_present_else_french(setting):
    terms = published(setting, de="Artikel 1 — Gegenstand.")
    _first, text = services.review(
        now=NOW, person=setting["admin"], client=setting["client"], terms=terms, language="de"
    )
    assert text.startswith("Artikel 1")
    first, text = services.review(
        now=NOW, person=setting["admin"], client=setting["client"], terms=terms, language="en"
    )
    assert first.language == "fr" and text.startswith("Article 1")


def test_the_accepted_pack_applies_and_must_not_change(setting):
    terms = published(setting)
    with pytest.raises(services.TermsNotAccepted):
        services.pack_for(setting["client"], ServiceLine.MANAGED_HOSTING)
    first, _text = services.review(
        now=NOW, person=setting["admin"], client=setting["client"], terms=terms, language="fr"
    )
    acceptance = services.accept(
        now=NOW,
        person=setting["admin"],
        client=setting["client"],
        terms=terms,
        review_token=first.sign(),
    )
    pack = services.pack_for(setting["client"], ServiceLine.MANAGED_HOSTING)
    assert (pack.service_line, pack.version) == ("managed_hosting", "1.0")
    Acceptance.objects.filter(pk=acceptance.pk).update(pack_digest="0" * 64)
    with pytest.raises(PackError, match="changed after a client accepted it"):
        services.pack_for(setting["client"], ServiceLine.MANAGED_HOSTING)


def test_the_portal_double_click(client, setting):
    terms = published(setting)
    client.force_login(setting["admin"])
    page = client.get(f"/conditions/{terms.pk}/")
    assert page.status_code == 200 and "Je valide" in page.content.decode()
    step = client.post(
        f"/conditions/{terms.pk}/valider/", {"client": setting["client"].pk, "lang": "fr"}
    )
    assert step.status_code == 200 and "Je confirme" in step.content.decode()
    assert not Acceptance.objects.exists()
    token = step.context["token"]
    done = client.post(
        f"/conditions/{terms.pk}/confirmer/",
        {"client": setting["client"].pk, "review": token},
        follow=True,
    )
    assert "Acceptées par" in done.content.decode()
    assert Acceptance.objects.get().person == setting["admin"]


def test_members_read_but_cannot_accept_in_the_portal(client, setting):
    terms = published(setting)
    client.force_login(setting["member"])
    page = client.get(f"/conditions/{terms.pk}/")
    assert page.status_code == 200 and "Je valide" not in page.content.decode()
    client.post(f"/conditions/{terms.pk}/valider/", {"client": setting["client"].pk, "lang": "fr"})
    assert not Acceptance.objects.exists()
