from django.urls import path

from clausier.monitoring import views

portal_urlpatterns = [
    path("supervision/", views.status, name="monitoring_status"),
    path("supervision/serveurs/<int:server_id>/", views.server_detail, name="monitoring_server"),
]
