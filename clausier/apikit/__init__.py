"""The toolkit every app's API router builds on, below the apps: strict input schemas
and the error body (`schemas`), the one pagination (`pagination`), idempotency keys
(`idempotency`, their model in `models`). It imports nothing of Clausier but `core`.

The assembly, the NinjaAPI that mounts every app's router and authenticates callers,
is `clausier.api` (`api.api`, `api.auth`), above the apps.
"""
