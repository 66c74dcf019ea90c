"""The demo's content: a real PDF in the library, a space with posts, once only."""

from __future__ import annotations

import io

import pytest

from clausier.content.models import LibraryItem, Post, Space
from clausier.demo.content import guide_pdf
from clausier.demo.data import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loads_its_content_once_and_a_collaborator_downloads_the_guide(client):
    logins = load_demo()
    load_demo()
    assert "nina@studio-lambert.example" in {login.email for login in logins}
    assert LibraryItem.objects.count() == 4
    assert Space.objects.count() == 1 and Post.objects.count() == 4
    guide = LibraryItem.objects.get(upload__isnull=False)
    client.login(username="nina@studio-lambert.example", password="Clausier-demo-2026")
    response = client.get(f"/bibliotheque/{guide.pk}/fichier/")
    data = b"".join(response.streaming_content)
    assert response.status_code == 200 and data.startswith(b"%PDF-") and b"%%EOF" in data[-8:]


def test_the_generated_guide_is_a_pdf_a_reader_parses():
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(guide_pdf("Titre", ["Ligne une"])))
    assert "Ligne une" in reader.pages[0].extract_text()
