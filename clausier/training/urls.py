"""Training pages, mounted by the portal under its namespace."""

from django.urls import path

from clausier.training import views

portal_urlpatterns = [
    path("formations/", views.home, name="training_home"),
    path("formations/bpf/", views.bpf_page, name="training_bpf"),
    path("formations/bpf.csv", views.bpf_csv, name="training_bpf_csv"),
    path("formations/devis/<int:quote_id>/", views.quote_detail, name="training_quote"),
    path("formations/devis/<int:quote_id>/facturer/", views.settle, name="training_settle"),
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
