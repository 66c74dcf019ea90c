"""A client's administrator reads the hot and cold evaluation results of the company's own
trainees (Qualiopi indicator 30): means per training and session, never one person's
answers or comments (art. 23), no mean under 3 answers; another client's admin sees none
of them; FR/DE/EN; an empty state that says what comes next."""

from __future__ import annotations

import re

import pytest

from clausier.accounts.models import Role
from clausier.training import evaluations, services
from clausier.training.models import Evaluation
from tests.helpers import make_client, make_client_user
from tests.training.world import ORDERED, training_world

pytestmark = pytest.mark.django_db

ANSWERS = {"objectives": "4", "content": "4", "trainer": "5", "organisation": "3", "recommend": "4"}


def evaluated_world(answers: int = 3):
    """Three trainees of the client; `answers` of them answer the hot evaluation."""
    w = training_world()
    carol = make_client_user(w["client"], Role.CLIENT_MEMBER)
    services.create_quote(
        now=ORDERED,
        actor=w["admin"],
        session=w["session"],
        client=w["client"],
        participants=[w["alice"], w["bob"], carol],
    )
    end = w["session"].slots.order_by("-ends_at").first().ends_at
    assert evaluations.run(end) == 3
    for n, evaluation in enumerate(Evaluation.objects.order_by("pk")[:answers]):
        evaluations.answer(
            now=end,
            evaluation=evaluation,
            data=ANSWERS | {"objectives": str(3 + n), "comment": f"Remarque de stagiaire {n}"},
        )
    return w


def test_three_answers_show_the_means_but_no_comment(client):
    w = evaluated_world(answers=3)
    client.force_login(w["admin"])
    page = client.get("/formations/evaluations/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Manager coach" in html and "3 réponse(s) sur 3 (100 %)" in html
    assert re.search(r"<strong>4[.,]0</strong>", html)  # (3 + 4 + 5) / 3
    assert "Remarque de stagiaire" not in html
    assert "restent confidentiels (art. 23)" in html
    # Staff read the same results with the comments.
    client.force_login(w["owner"])
    assert "Remarque de stagiaire 2" in client.get("/formations/evaluations/").content.decode()


def test_two_answers_withhold_the_means():
    w = evaluated_world(answers=2)
    [row] = evaluations.client_results({w["client"].pk})
    assert all(r.withheld for r in row["results"])
    assert all(average is None for r in row["results"] for _q, average in r.averages)
    assert all(not r.comments for r in row["results"])
    staff = evaluations.results({w["provider"].pk})
    assert staff[0]["results"][0].averages[0][1] is not None


def test_another_clients_admin_sees_none_of_it(client):
    w = evaluated_world()
    other = make_client(w["provider"], "Pâtisserie")
    other_admin = make_client_user(other, Role.CLIENT_ADMIN)
    client.force_login(other_admin)
    page = client.get("/formations/evaluations/")
    html = page.content.decode()
    assert page.status_code == 200 and "Manager coach" not in html
    assert "Aucune évaluation pour vos collaborateurs" in html
    client.force_login(w["alice"])
    assert client.get("/formations/evaluations/").status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "confidential"),
    [
        ("fr", "Évaluations des formations", "restent confidentiels"),
        ("de", "Bewertungen der Schulungen", "bleiben vertraulich"),
        ("en", "Training evaluations", "remain confidential"),
    ],
)
def test_the_page_speaks_the_readers_language(client, language, heading, confidential):
    w = evaluated_world()
    w["admin"].language = language
    w["admin"].save(update_fields=["language"])
    client.force_login(w["admin"])
    html = client.get("/formations/evaluations/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in html and confidential in html
