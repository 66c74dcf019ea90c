from django.contrib import admin
from django.urls import include, path

from clausier.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("billing/", include("clausier.billing.urls")),
    path("coaching/", include("clausier.coaching.urls")),
    path("", include("clausier.portal.urls")),
]

handler400 = "clausier.portal.errors.bad_request"
handler403 = "clausier.portal.errors.forbidden"
handler404 = "clausier.portal.errors.not_found"
handler500 = "clausier.portal.errors.server_error"
