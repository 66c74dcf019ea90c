"""The demo data set has a training at the coaching provider, once."""

from __future__ import annotations

import pytest

from clausier.demo.data import load_demo
from clausier.training.models import Enrolment, Quote, Training

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_training_with_two_participants_even_loaded_twice(client):
    load_demo()
    load_demo()
    assert Training.objects.get().provider.slug == "kestio"
    quote = Quote.objects.get()
    assert Enrolment.objects.filter(quote=quote).count() == 2
    participant = Enrolment.objects.filter(quote=quote).first().participant
    client.force_login(participant)
    assert "Manager coach" in client.get("/formations/").content.decode()
