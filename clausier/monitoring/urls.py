from django.urls import path

from clausier.monitoring import pages, views

portal_urlpatterns = [
    path("supervision/", views.status, name="monitoring_status"),
    path("supervision/serveurs/<int:server_id>/", views.server_detail, name="monitoring_server"),
    path(
        "supervision/serveurs/<int:server_id>/maintenance/",
        pages.maintenance_windows,
        name="monitoring_maintenance",
    ),
    path("supervision/problemes/", pages.problems_board, name="monitoring_board"),
    path(
        "supervision/problemes/<int:service_id>/prise-en-compte/",
        pages.board_acknowledge,
        name="monitoring_board_ack",
    ),
    path("supervision/rapports/<int:report_id>/", pages.report_detail, name="monitoring_report"),
]
