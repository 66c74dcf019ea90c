"""Uploads go through Django's storage API (`STORAGES["content"]`): any backend serves,
and the environment switches the options to an S3-compatible bucket (docs/content.md)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from clausier.content import services, uploads
from clausier.content.models import ItemKind
from tests.content.builders import content_world, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_uploads_and_downloads_work_on_another_storage_backend(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "content": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    world = content_world()
    upload = uploads.store(
        now=timezone.now(),
        actor=world.coach,
        provider=world.provider,
        name="guide.pdf",
        stream=io.BytesIO(pdf_bytes()),
    )
    assert type(upload.file.storage._wrapped).__name__ == "InMemoryStorage"
    item = services.create_item(
        now=timezone.now(),
        actor=world.coach,
        provider=world.provider,
        kind=ItemKind.DOCUMENT,
        title="Guide",
        language="fr",
        upload=upload,
        plans=[world.plan],
    )
    client.force_login(world.member)
    response = client.get(f"/bibliotheque/{item.pk}/fichier/")
    assert b"".join(response.streaming_content) == pdf_bytes()


def _content_storage(env_extra: dict[str, str], tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTENT_")}
    env.update(CLAUSIER_VAR_DIR=str(tmp_path), **env_extra)
    code = (
        "import json; from clausier import settings; "
        "print(json.dumps(settings.STORAGES['content'], default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_default_is_a_private_folder_under_var(tmp_path):
    storage = _content_storage({}, tmp_path)
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage["OPTIONS"] == {"location": str(tmp_path / "content"), "base_url": None}


def test_a_bucket_switches_to_s3_options(tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text("s3cr3t\n")
    storage = _content_storage(
        {
            "CONTENT_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "CONTENT_S3_BUCKET": "clausier-content",
            "CONTENT_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
            "CONTENT_S3_REGION": "fr-par",
            "CONTENT_S3_ACCESS_KEY_ID": "AKIA",
            "CONTENT_S3_SECRET_ACCESS_KEY_FILE": str(secret),
        },
        tmp_path,
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "clausier-content"
    assert options["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert options["secret_key"] == "s3cr3t"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
