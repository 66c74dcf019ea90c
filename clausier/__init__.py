"""Clausier runs a B2B service business by its contract."""

from clausier.celery import app as celery_app

__all__ = ["celery_app"]
