"""Coaching URLs: the JaaS webhook and the private iCal feeds (`urlpatterns`, mounted under
/coaching/), and the coaching portal pages (`portal_urlpatterns`, under the portal)."""

from django.urls import path

from clausier.coaching import feeds, views, webhooks

app_name = "coaching"

urlpatterns = [
    path("webhooks/jaas/<slug:provider>/", webhooks.jaas_webhook, name="jaas_webhook"),
    path("ical/<str:token>.ics", feeds.feed, name="ical_feed"),
]

portal_urlpatterns = [
    path("seances/", views.my_sessions, name="coaching_sessions"),
    path("seances/reserver/", views.book_page, name="coaching_book"),
    path("seances/<int:session_id>/", views.session_detail, name="coaching_session"),
    path("seances/<int:session_id>/salle/", views.join_page, name="coaching_join"),
    path("coach/", views.coach_agenda, name="coaching_coach"),
    path("agenda/", views.calendar_page, name="coaching_calendar"),
    path("equipe/seances/", views.team_usage, name="coaching_team"),
    path("seances/signalements/", views.problem_reports, name="coaching_problems"),
    path("seances/demandes/", views.change_requests, name="coaching_requests"),
    path(
        "seances/demandes/<int:change_request_id>/",
        views.change_request_decide,
        name="coaching_request_decide",
    ),
    path(
        "seances/signalements/<int:problem_id>/",
        views.problem_resolve,
        name="coaching_problem_resolve",
    ),
]
