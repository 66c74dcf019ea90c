from django.urls import path

from clausier.portal import invoice_views, subscription_views, terms_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("invitation/<str:token>/", views.activate, name="activate"),
    path("profil/", views.profile, name="profile"),
    path("organisations/<int:client_id>/membres/", views.members, name="members"),
    path(
        "organisations/<int:client_id>/membres/<int:membership_id>/<str:action>/",
        views.member_action,
        name="member_action",
    ),
    path(
        "organisations/<int:client_id>/invitations/<int:invitation_id>/<str:action>/",
        views.invitation_action,
        name="invitation_action",
    ),
    path("conditions/", terms_views.terms_list, name="terms"),
    path("conditions/<int:terms_id>/", terms_views.terms_detail, name="terms_detail"),
    path("conditions/<int:terms_id>/valider/", terms_views.terms_validate, name="terms_validate"),
    path("conditions/<int:terms_id>/confirmer/", terms_views.terms_confirm, name="terms_confirm"),
    path("factures/", invoice_views.invoice_list, name="invoices"),
    path("factures/<int:invoice_id>/", invoice_views.invoice_detail, name="invoice_detail"),
    path(
        "factures/<int:invoice_id>/<str:kind>/",
        invoice_views.invoice_document,
        name="invoice_document",
    ),
    path("abonnements/", subscription_views.subscription_list, name="subscriptions"),
    path(
        "abonnements/<int:subscription_id>/resilier/",
        subscription_views.subscription_terminate,
        name="subscription_terminate",
    ),
]
