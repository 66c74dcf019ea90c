"""Hot and cold evaluations (Qualiopi indicator 30): e-mailed at the end of the training
and N days after it, answered without login through a link whose token is stored hashed,
one reminder with a fresh link, results per training and session; an unanswered
evaluation does not block the billing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from clausier.notify.models import OutboxMessage
from clausier.notify.services import deliver_due
from clausier.training import evaluations, services
from clausier.training.models import Evaluation, OrganisationProfile
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    quote_of,
)
from tests.training.world import AFTER, run_training, training_world

pytestmark = pytest.mark.django_db


def _last_end(w):
    return w["session"].slots.order_by("-ends_at").first().ends_at


def _link(smtp_server, email: str) -> str:
    bodies = [
        m.get_payload(decode=True).decode() if not m.is_multipart() else m.get_body().get_content()
        for m in smtp_server.messages
        if m["To"] == email
    ]
    links = re.findall(r"https?://\S+/formations/evaluation/[\w-]+/", "\n".join(bodies))
    return links[-1]


def test_the_hot_evaluation_goes_at_the_end_and_is_answered_without_login(client, smtp_server):
    w = training_world()
    quote_of(w)
    end = _last_end(w)
    assert evaluations.run(end - timedelta(minutes=1)) == 0
    assert evaluations.run(end) == 2
    assert evaluations.run(end + timedelta(hours=1)) == 0  # once
    evaluation = Evaluation.objects.get(enrolment__participant=w["alice"])
    assert evaluation.kind == "hot" and len(evaluation.token_hash) == 64
    deliver_due(end)
    url = _link(smtp_server, w["alice"].email)
    token = url.rstrip("/").rsplit("/", 1)[1]
    # The token is stored only as its hash, and not in the kept body of the e-mail.
    assert evaluation.token_hash == evaluations.digest(token)
    assert not OutboxMessage.objects.filter(body__contains=token).exists()
    path = "/" + url.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200 and "Manager coach" in page.content.decode()
    bad = client.post(path, {"objectives": "6"})
    assert bad.status_code == 400 and "1 à 5" in bad.content.decode()
    answers = {"objectives": "5", "content": "4", "trainer": "5", "organisation": "3"}
    answers |= {"recommend": "4", "comment": "Très concret"}
    done = client.post(path, answers)
    assert done.status_code == 200 and "Merci, vos réponses sont enregistrées." in (
        done.content.decode()
    )
    evaluation.refresh_from_db()
    assert evaluation.answers["objectives"] == 5 and evaluation.answered_at is not None
    again = client.post(path, answers)
    assert "déjà répondu" in again.content.decode()
    assert client.get("/formations/evaluation/not-a-token/").status_code == 404


@pytest.mark.parametrize(("days", "configured"), [(60, None), (30, 30)])
def test_the_cold_evaluation_goes_n_days_after_the_end(days, configured):
    w = training_world()
    quote_of(w, w["alice"])
    if configured:
        OrganisationProfile.objects.create(
            provider=w["provider"],
            declaration_number="11755555555",
            signatory_name="Jeanne Martin",
            cold_evaluation_days=configured,
        )
    end = _last_end(w)
    evaluations.run(end)
    cold_at = end + timedelta(days=days)
    evaluations.answer(
        now=end,
        evaluation=Evaluation.objects.get(),
        data={k: "4" for k, _ in evaluations.QUESTIONS["hot"]},
    )
    assert evaluations.send_due(cold_at - timedelta(minutes=1)) == 0
    assert evaluations.send_due(cold_at) == 1
    assert Evaluation.objects.filter(kind="cold").count() == 1


def test_one_reminder_after_seven_days_with_a_fresh_link():
    w = training_world()
    quote_of(w, w["alice"])
    end = _last_end(w)
    evaluations.send_due(end)
    first = Evaluation.objects.get().token_hash
    assert evaluations.send_reminders(end + timedelta(days=7) - timedelta(minutes=1)) == 0
    assert evaluations.send_reminders(end + timedelta(days=7)) == 1
    assert evaluations.send_reminders(end + timedelta(days=8)) == 0
    evaluation = Evaluation.objects.get()
    assert evaluation.reminded_at is not None and evaluation.token_hash != first
    reminder = OutboxMessage.objects.filter(template="training_evaluation").order_by("-pk")[0]
    assert reminder.subject.startswith("Rappel")


def test_an_unanswered_evaluation_does_not_block_the_billing():
    w = training_world()
    quote = quote_of(w)
    complete_modules(w, quote)
    run_training(w, quote)
    evaluations.run(_last_end(w))
    assert Evaluation.objects.filter(answered_at__isnull=True).count() == 2
    invoices = services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert invoices


def test_results_per_training_and_session_on_the_staff_page(client):
    w = training_world()
    quote_of(w)
    evaluations.send_due(_last_end(w))
    alice = Evaluation.objects.get(enrolment__participant=w["alice"])
    evaluations.answer(
        now=_last_end(w),
        evaluation=alice,
        data={k: "5" for k, _ in evaluations.QUESTIONS["hot"]} | {"comment": "Bien"},
    )
    bob = Evaluation.objects.get(enrolment__participant=w["bob"])
    evaluations.answer(
        now=_last_end(w), evaluation=bob, data={k: "4" for k, _ in evaluations.QUESTIONS["hot"]}
    )
    [row] = evaluations.results({w["provider"].pk})
    [hot] = row["results"]
    assert (hot.sent, hot.answered, hot.rate) == (2, 2, 100)
    assert {str(avg) for _q, avg in hot.averages} == {"4.5"}
    client.force_login(w["owner"])
    page = client.get("/formations/evaluations/").content.decode()
    assert "2 réponse(s) sur 2 (100 %)" in page and "4.5" in page.replace(",", ".")
    client.force_login(w["alice"])
    assert client.get("/formations/evaluations/").status_code == 404


def test_the_results_page_empty_state(client):
    w = training_world()
    client.force_login(w["owner"])
    page = client.get("/formations/evaluations/").content.decode()
    assert "Aucune évaluation envoyée" in page
