"""Notify's portal page, mounted by the portal under its namespace."""

from django.urls import path

from clausier.notify import views

portal_urlpatterns = [
    path("profil/notifications/", views.notice_preferences, name="notice_preferences"),
]
