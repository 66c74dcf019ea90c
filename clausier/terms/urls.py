"""Terms pages of the portal; the portal mounts them under its namespace."""

from django.urls import path

from clausier.terms import views

portal_urlpatterns = [
    path("conditions/", views.terms_list, name="terms"),
    path("conditions/<int:terms_id>/", views.terms_detail, name="terms_detail"),
    path("conditions/<int:terms_id>/valider/", views.terms_validate, name="terms_validate"),
    path("conditions/<int:terms_id>/confirmer/", views.terms_confirm, name="terms_confirm"),
]
