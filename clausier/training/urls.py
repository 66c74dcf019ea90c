"""Training pages, mounted by the portal under its namespace."""

from django.urls import path

from clausier.training import interruption_views, staff_views, views

portal_urlpatterns = [
    path("formations/", views.home, name="training_home"),
    path("formations/bpf/", views.bpf_page, name="training_bpf"),
    path("formations/bpf.csv", views.bpf_csv, name="training_bpf_csv"),
    path(
        "interruptions/",
        interruption_views.interruptions_page,
        name="training_interruptions",
    ),
    path("formations/devis/<int:quote_id>/", views.quote_detail, name="training_quote"),
    path("formations/catalogue/nouvelle/", staff_views.new_training, name="training_new_training"),
    path("formations/sessions/nouvelle/", staff_views.new_session, name="training_new_session"),
    path(
        "formations/sessions/<int:session_id>/",
        staff_views.session_detail,
        name="training_session",
    ),
    path(
        "formations/sessions/<int:session_id>/convoquer/",
        staff_views.convoke,
        name="training_convoke",
    ),
    path(
        "formations/sessions/<int:session_id>/modifier/",
        staff_views.change_session,
        name="training_change_session",
    ),
    path("formations/devis/nouveau/", staff_views.new_quote, name="training_new_quote"),
    path(
        "formations/devis/<int:quote_id>/participants/",
        staff_views.add_participant,
        name="training_add_participant",
    ),
    path(
        "formations/devis/<int:quote_id>/participants/<int:enrolment_id>/retirer/",
        staff_views.withdraw_participant,
        name="training_withdraw",
    ),
    path(
        "formations/devis/<int:quote_id>/participants/<int:enrolment_id>/prolonger/",
        staff_views.extend_access,
        name="training_extend_access",
    ),
    path(
        "formations/devis/<int:quote_id>/financement/",
        staff_views.request_funding,
        name="training_request_funding",
    ),
    path(
        "formations/devis/<int:quote_id>/accord/",
        staff_views.record_agreement,
        name="training_agreement",
    ),
    path(
        "formations/devis/<int:quote_id>/refus/",
        staff_views.record_refusal,
        name="training_refusal",
    ),
    path("formations/financements/", staff_views.funding_board, name="training_funding"),
    path("formations/evaluations/", staff_views.evaluation_results, name="training_evaluations"),
    path(
        "formations/evaluation/<str:token>/",
        staff_views.evaluation,
        name="training_evaluation",
    ),
    path("formations/devis/<int:quote_id>/facturer/", views.settle, name="training_settle"),
    path(
        "formations/devis/<int:quote_id>/convention.pdf",
        views.convention_pdf,
        name="training_convention",
    ),
    path("formations/demi-journees/<int:slot_id>/signer/", views.sign, name="training_sign"),
    path(
        "formations/demi-journees/<int:slot_id>/valider/",
        views.validate,
        name="training_validate",
    ),
    path(
        "formations/modules/<int:enrolment_id>/<int:module_id>/",
        views.module_player,
        name="training_module",
    ),
    path("formations/documents/<int:document_id>/", views.document_pdf, name="training_document"),
]
