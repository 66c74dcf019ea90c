"""A short French word that means two things gets a context (msgctxt), so English and
German say each meaning right: a trainee is not a coaching session's participant, and
the answer to a challenge is not the reply to a ticket."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from clausier.coaching.models import Participant
from clausier.training.models import Enrolment, SignerRole


@pytest.mark.parametrize(
    ("language", "trainee", "participant"),
    [
        ("fr", "participant", "participant"),
        ("en", "trainee", "participant"),
        ("de", "Teilnehmer", "Teilnehmer"),
    ],
)
def test_participant_in_training_and_in_coaching(language, trainee, participant):
    with translation.override(language):
        assert str(Enrolment._meta.get_field("participant").verbose_name) == trainee
        assert str(SignerRole.PARTICIPANT.label) == trainee
        assert str(Participant._meta.verbose_name) == participant


@pytest.mark.parametrize(
    ("language", "answer", "reply"),
    [
        ("fr", "Votre réponse", "Votre réponse"),
        ("en", "Your answer", "Your reply"),
        ("de", "Ihre Antwort", "Ihre Antwort"),
    ],
)
def test_your_answer_and_your_reply(language, answer, reply):
    django = engines["django"]
    with translation.override(language):
        assert (
            django.from_string(
                '{% load i18n %}{% translate "Votre réponse" context "answer to a challenge" %}'
            ).render({})
            == answer
        )
        assert (
            django.from_string(
                '{% load i18n %}{% translate "Votre réponse" context "reply to a ticket" %}'
            ).render({})
            == reply
        )
