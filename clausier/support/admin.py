"""The support desk in the back-office: read-only, scoped to the staff's providers. Every
change goes through the services (the clocks, the conditional updates, the credits)."""

from __future__ import annotations

from django.contrib import admin

from clausier.accounts.admin_scoping import ReadOnlyScopedAdmin
from clausier.support.models import EmergencyRequest, Ticket


@admin.register(Ticket)
class TicketAdmin(ReadOnlyScopedAdmin):
    list_display = ["reference", "subject", "client", "status", "ack_due_at", "acknowledged_at"]
    list_filter = ["status", "out_of_scope"]
    search_fields = ["subject", "requester_email"]
    raw_id_fields = ["client", "server", "assignee", "opened_by", "acknowledged_by"]


@admin.register(EmergencyRequest)
class EmergencyRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ["reference", "server", "client", "contacted_at", "gti_due_at", "started_at"]
    list_filter = ["channel", "within_quota"]
    raw_id_fields = ["client", "server", "ticket", "logged_by", "engineer"]
