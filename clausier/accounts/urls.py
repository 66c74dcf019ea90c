"""Accounts pages of the portal; the portal mounts them under its namespace."""

from django.urls import path

from clausier.accounts import recovery_views, views

portal_urlpatterns = [
    path("connexion/", views.login_view, name="login"),
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
    path("profil/adresse/", recovery_views.email_change, name="email_change"),
    path("profil/adresse/<str:token>/", recovery_views.email_confirm, name="email_confirm"),
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
]
