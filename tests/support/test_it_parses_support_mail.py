"""Parsing and loop rules over real .eml files: pure functions, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from clausier.support.mail import parse, strip_quoted, ticket_number

MAIL = Path(__file__).parent / "mail"
OURS = "clausier.localhost"


def eml(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def test_a_new_message_is_human_with_its_signature_removed():
    inbound = parse(eml("new_from_client.eml"), OURS)
    assert inbound.automatic is None
    assert inbound.sender == "nina@boulangerie.example"
    assert inbound.message_id == "CAF1234abcd@mail.boulangerie.example"
    assert inbound.body.endswith("Nina") and "06 12" not in inbound.body
    assert inbound.ticket_number is None


def test_a_reply_threads_by_subject_and_references_and_loses_its_quote():
    inbound = parse(eml("reply_with_quote_fr.eml"), OURS)
    assert inbound.ticket_number == 1
    assert inbound.references[0] == "OURREPLYID@clausier.localhost"
    assert inbound.body == "C'est de nouveau rapide, merci !"


def test_a_german_quote_header_is_cut():
    inbound = parse(eml("reply_without_number_de.eml"), OURS)
    assert inbound.body == "Danke, alles funktioniert wieder."
    assert inbound.ticket_number is None and inbound.references


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("out_of_office.eml", "auto-submitted"),
        ("exchange_oof.eml", "x-auto-response-suppress"),
        ("mailing_list.eml", "precedence"),
        ("bounce.eml", "null-sender"),
        ("our_own_loop.eml", "own-message-id"),
        ("other_instance_autoreply.eml", "auto-submitted"),
    ],
)
def test_automatic_mail_is_recognised(name, reason):
    assert parse(eml(name), OURS).automatic == reason


def test_auto_submitted_no_is_a_human_message():
    raw = eml("new_from_client.eml").replace(b"MIME-Version", b"Auto-Submitted: no\nMIME-Version")
    assert parse(raw, OURS).automatic is None


def test_attachments_are_extracted():
    inbound = parse(eml("with_attachments.eml"), OURS)
    assert [name for name, _ in inbound.attachments] == ["error.log", "outil.exe"]
    assert inbound.body == "Voici les journaux et un programme."


@pytest.mark.parametrize(
    ("subject", "number"),
    [("Re: [#T-42] Disque", 42), ("[#T-7]", 7), ("T-42 sans crochets", None), ("", None)],
)
def test_the_ticket_number_is_read_from_the_subject(subject, number):
    assert ticket_number(subject) == number


def test_quoted_lines_and_outlook_blocks_are_cut():
    text = "Oui.\n\n________________________________\nDe : Kalanda\nEnvoyé : mardi"
    assert strip_quoted(text) == "Oui."
    assert strip_quoted("Merci\n> ancien texte") == "Merci"
