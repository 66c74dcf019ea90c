"""Accounts pages of the portal; the portal mounts them under its namespace."""

from django.urls import path

from clausier.accounts import recovery_views, security_views, two_factor_views, views

portal_urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("connexion/code/", two_factor_views.login_code, name="login_code"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("invitation/<str:token>/", views.activate, name="activate"),
    path("profil/", views.profile, name="profile"),
    path(
        "mot-de-passe-oublie/",
        recovery_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        recovery_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reinitialiser/termine/",
        recovery_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        recovery_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("profil/sessions/", security_views.session_list, name="sessions"),
    path("profil/sessions/partout/", security_views.sessions_end_all, name="sessions_end_all"),
    path("profil/sessions/<int:record_id>/fermer/", security_views.session_end, name="session_end"),
    path("profil/double-authentification/", two_factor_views.two_factor_page, name="two_factor"),
    path("profil/jetons/", security_views.token_list, name="tokens"),
    path(
        "profil/jetons/<int:token_id>/revoquer/", security_views.token_revoke, name="token_revoke"
    ),
    path("profil/adresse/", recovery_views.email_change, name="email_change"),
    path("profil/adresse/<str:token>/", recovery_views.email_confirm, name="email_confirm"),
    path("organisations/<int:client_id>/membres/", views.members, name="members"),
    path("organisations/<int:client_id>/facturation/", views.client_billing, name="client_billing"),
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
]
