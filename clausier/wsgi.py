import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")
application = get_wsgi_application()

from clausier.core import heap  # noqa: E402 -- needs the apps loaded above

heap.settle()
