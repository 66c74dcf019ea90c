import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")
application = get_asgi_application()

from clausier.core import heap  # noqa: E402 -- needs the apps loaded above

heap.settle()
