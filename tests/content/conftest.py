from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _content_storage_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "content": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "content"), "base_url": None},
        },
    }
