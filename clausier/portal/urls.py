"""The portal: its home page, and each app's pages under the one `portal:` namespace."""

from django.urls import include, path

from clausier.accounts.urls import portal_urlpatterns as accounts_pages
from clausier.billing.urls import portal_urlpatterns as billing_pages
from clausier.coaching.urls import portal_urlpatterns as coaching_pages
from clausier.content.urls import portal_urlpatterns as content_pages
from clausier.monitoring.urls import portal_urlpatterns as monitoring_pages
from clausier.notify.urls import portal_urlpatterns as notify_pages
from clausier.portal import home, staff
from clausier.support.urls import portal_urlpatterns as support_pages
from clausier.terms.urls import portal_urlpatterns as terms_pages
from clausier.training.urls import portal_urlpatterns as training_pages

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("espace/clients/", staff.client_list, name="staff_clients"),
    path("espace/clients/<int:client_id>/", staff.client_detail, name="staff_client"),
    path(
        "espace/clients/<int:client_id>/<str:action>/",
        staff.client_action,
        name="staff_client_action",
    ),
    path("", include(accounts_pages)),
    path("", include(notify_pages)),
    path("", include(terms_pages)),
    path("", include(billing_pages)),
    path("", include(monitoring_pages)),
    path("", include(content_pages)),
    path("", include(coaching_pages)),
    path("", include(training_pages)),
    path("", include(support_pages)),
]
