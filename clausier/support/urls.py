"""The support desk's portal pages (mounted by the portal under its namespace)."""

from django.urls import path

from clausier.support import views

portal_urlpatterns = [
    path("support/", views.support_home, name="support"),
    path("support/tickets/<int:ticket_id>/", views.ticket_detail, name="support_ticket"),
    path(
        "support/tickets/<int:ticket_id>/action/", views.ticket_action, name="support_ticket_action"
    ),
    path(
        "support/pieces-jointes/<int:attachment_id>/",
        views.attachment_download,
        name="support_attachment",
    ),
    path("support/rapport/", views.sla_report, name="support_report"),
    path("support/rapport/pdf/", views.sla_report_pdf, name="support_report_pdf"),
    path("support/interventions/", views.propose_plan, name="support_plan_propose"),
    path("support/interventions/<int:plan_id>/", views.plan_detail, name="support_plan"),
    path(
        "support/prestataires/<int:provider_id>/escalade/",
        views.escalation_form,
        name="support_escalation",
    ),
    path("support/urgence/", views.emergency_button, name="support_emergency_button"),
    path(
        "support/urgences/<int:emergency_id>/",
        views.emergency_detail,
        name="support_emergency",
    ),
]
