"""Every back-office model × every role × view/add/change/delete, asserted explicitly.

Each cell is tried over HTTP on an object of the role's own provider: view = its list,
add = the add form, change = a POST to the object's change form, delete = the object's
delete page. A model registered in the back-office without its row here fails
`test_every_registered_admin_has_its_row`, so a new admin cannot go unchecked.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from tests.admin.world import ROLES, admin_url, build_back_office

pytestmark = pytest.mark.django_db

# Columns: owner, engineer, coach, accountant, client admin, client member.
# Letters: v view, a add, c change, d delete (delete is a superuser's only).
MATRIX: dict[str, tuple[str, str, str, str, str, str]] = {
    "auth.group": ("", "", "", "", "", ""),
    # Lockout records span every provider: superusers only (docs/accounts.md).
    "axes.accessattempt": ("", "", "", "", "", ""),
    "axes.accesslog": ("", "", "", "", "", ""),
    "axes.accessfailurelog": ("", "", "", "", "", ""),
    "core.auditentry": ("v", "v", "v", "v", "", ""),
    "accounts.provider": ("vc", "v", "v", "v", "", ""),
    "accounts.clientorganisation": ("vac", "v", "v", "vac", "", ""),
    # Any staff adds a client collaborator (roles.GRANTS); only the owner changes a role.
    "accounts.membership": ("vac", "va", "va", "va", "", ""),
    "accounts.invitation": ("v", "v", "v", "v", "", ""),
    # Account-wide fields are the person's own: providers read them, never change them.
    "accounts.person": ("v", "v", "v", "v", "", ""),
    "accounts.apitoken": ("v", "v", "v", "v", "", ""),
    "notify.outboxmessage": ("v", "v", "v", "v", "", ""),
    "terms.termsversion": ("vac", "v", "v", "v", "", ""),
    "terms.acceptance": ("v", "v", "v", "v", "", ""),
    "terms.ecbrateentry": ("vac", "v", "v", "vac", "", ""),
    "terms.syntecindexentry": ("vac", "v", "v", "vac", "", ""),
    "billing.plan": ("vac", "v", "v", "vac", "", ""),
    "billing.subscription": ("v", "v", "v", "v", "", ""),
    # As GET /api/invoices: money documents are for the owner and the accountant.
    "billing.invoice": ("v", "", "", "v", "", ""),
    "billing.payment": ("v", "", "", "v", "", ""),
    "billing.slacredit": ("v", "v", "v", "v", "", ""),
    # The webhook secret is payment configuration: the billing roles read, the owner sets.
    "billing.gatewayaccount": ("vac", "", "", "v", "", ""),
    # Quotes are made and accepted through billing.overage (audited); the back-office reads.
    "billing.overageagreement": ("v", "v", "v", "v", "", ""),
    # Funders (OPCO) address invoices: every staff role reads, the billing roles keep them.
    "billing.funder": ("vac", "v", "v", "vac", "", ""),
    # Content (docs/content.md): the owner and the coaches write, other staff read; posts
    # are written in the portal and hidden by an action (services.hide); answers and files read.
    "content.libraryitem": ("vac", "v", "vac", "v", "", ""),
    "content.space": ("vac", "v", "vac", "v", "", ""),
    "content.post": ("v", "v", "v", "v", "", ""),
    "content.challenge": ("vac", "v", "vac", "v", "", ""),
    "content.submission": ("v", "v", "v", "v", "", ""),
    "content.upload": ("v", "v", "v", "v", "", ""),
    # Monitoring: the provider's technical staff (owner, engineer) keep servers, services,
    # downtimes and the on-call rota; the other staff read them.
    "monitoring.managedserver": ("vac", "vac", "v", "v", "", ""),
    "monitoring.monitoredservice": ("vac", "vac", "v", "v", "", ""),
    "monitoring.downtime": ("vac", "vac", "v", "v", "", ""),
    "monitoring.oncallshift": ("vac", "vac", "v", "v", "", ""),
    # Coaching: the owner sets coaches, plans' delivery terms and the JaaS account (its
    # secrets write-only); sessions, the ledger and deliverables change through services.
    "coaching.coach": ("vac", "v", "v", "v", "", ""),
    "coaching.plandelivery": ("vac", "v", "v", "v", "", ""),
    "coaching.jaasconfig": ("vac", "v", "v", "v", "", ""),
    "coaching.coachingsession": ("v", "v", "v", "v", "", ""),
    "coaching.ledgerentry": ("v", "v", "v", "v", "", ""),
    "coaching.deliverable": ("v", "v", "v", "v", "", ""),
    # Change requests by e-mail are decided on their portal page (coaching.requests).
    "coaching.changerequest": ("v", "v", "v", "v", "", ""),
    # Trainings: the catalogue is the owner's and the coaches'; the declaration the owner's;
    # quotes, funding and attendance evidence change only through the training services.
    "training.training": ("vac", "v", "vac", "v", "", ""),
    "training.organisationprofile": ("vac", "v", "v", "v", "", ""),
    "training.trainingsession": ("v", "v", "v", "v", "", ""),
    "training.quote": ("v", "v", "v", "v", "", ""),
    "training.fundingrequest": ("v", "v", "v", "v", "", ""),
    "training.attendance": ("v", "v", "v", "v", "", ""),
    "training.signature": ("v", "v", "v", "v", "", ""),
    "training.trainingdocument": ("v", "v", "v", "v", "", ""),
    # Tickets and emergencies change through the support services (clocks, credits).
    "support.ticket": ("v", "v", "v", "v", "", ""),
    "support.emergencyrequest": ("v", "v", "v", "v", "", ""),
}


def registered() -> set[str]:
    return {model._meta.label_lower for model in admin.site._registry}


def test_every_registered_admin_has_its_row():
    assert registered() == set(MATRIX)


def allowed(status: int) -> bool:
    # 403: refused by the admin; 302 to the login page: no back-office at all.
    assert status in (200, 302, 403), status
    return status == 200


def observed(client: Client, obj: object) -> str:
    letters = ""
    if allowed(client.get(admin_url(obj, "changelist")).status_code):
        letters += "v"
    if allowed(client.get(admin_url(obj, "add")).status_code):
        letters += "a"
    # An empty POST is refused before validation when the role may not change the object;
    # a role that may gets the form back with its errors (200), nothing saved.
    if allowed(client.post(admin_url(obj, "change"), {}).status_code):
        letters += "c"
    if allowed(client.get(admin_url(obj, "delete")).status_code):
        letters += "d"
    return letters


@pytest.mark.parametrize("label", sorted(MATRIX))
def test_each_role_gets_exactly_its_row(client, label):
    office = build_back_office()
    obj = office.objects[label]
    assert obj is not None, f"the test world has no {label} of provider A"
    seen = []
    for role in ROLES:
        client.force_login(office.by_role[role])
        seen.append(observed(client, obj))
    assert dict(zip(ROLES, seen, strict=True)) == dict(zip(ROLES, MATRIX[label], strict=True))


def test_a_superuser_may_do_everything(client):
    """The matrix would pass on a back-office that refuses everyone: prove it can allow."""
    office = build_back_office()
    root = office.by_role["owner"]
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    client.force_login(root)
    obj = office.objects["accounts.clientorganisation"]
    assert observed(client, obj) == "vacd"
