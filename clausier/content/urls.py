"""Content's portal pages (`portal_urlpatterns`, mounted by the portal under its namespace)."""

from django.urls import path

from clausier.content import views

portal_urlpatterns = [
    path("bibliotheque/", views.library, name="content_library"),
    path("bibliotheque/<int:item_id>/fichier/", views.item_file, name="content_item_file"),
    path("espaces/", views.spaces, name="content_spaces"),
    path("espaces/notifications/", views.notification_mode, name="content_notifications"),
    path("espaces/<int:space_id>/", views.space_detail, name="content_space"),
    path("seances/<int:session_id>/chat/", views.session_chat, name="content_session_chat"),
    path("espaces/messages/<int:post_id>/modifier/", views.post_edit, name="content_post_edit"),
    path("espaces/messages/<int:post_id>/masquer/", views.post_hide, name="content_post_hide"),
    path("defis/", views.challenges, name="content_challenges"),
    path("defis/<int:challenge_id>/", views.challenge_detail, name="content_challenge"),
    path(
        "defis/rendus/<int:submission_id>/retour/",
        views.submission_feedback,
        name="content_feedback",
    ),
    path(
        "defis/rendus/<int:submission_id>/fichier/",
        views.submission_file,
        name="content_submission_file",
    ),
]
