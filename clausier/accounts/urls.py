"""Accounts pages of the portal; the portal mounts them under its namespace."""

from django.urls import path

from clausier.accounts import views

portal_urlpatterns = [
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
]
