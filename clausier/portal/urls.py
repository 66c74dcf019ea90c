"""The portal: its home page, and each app's pages under the one `portal:` namespace."""

from django.urls import include, path

from clausier.accounts.urls import portal_urlpatterns as accounts_pages
from clausier.billing.urls import portal_urlpatterns as billing_pages
from clausier.portal import home
from clausier.support.urls import portal_urlpatterns as support_pages
from clausier.terms.urls import portal_urlpatterns as terms_pages

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("", include(accounts_pages)),
    path("", include(terms_pages)),
    path("", include(billing_pages)),
    path("", include(support_pages)),
]
