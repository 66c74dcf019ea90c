"""Celery app: tasks run inline when CELERY_BROKER_URL is empty (the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")

app = Celery("clausier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The monitor's probe batches (docs/monitoring.md, "Scale-out"): a module of its own, so
# that importing the monitoring app's periodic jobs never imports Celery.
app.autodiscover_tasks(["clausier.monitoring"], related_name="scaleout")
