"""Clausier runs a B2B service business by its contract.

The Celery app lives in `clausier.celery` (`celery -A clausier.celery worker`); it is not
imported here, so that pure packages such as `clausier.probes` load without Django.
"""
