"""Uploads are judged by their bytes: PDF kept as is, images re-encoded, the rest refused."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image, ImageCms, PngImagePlugin

from clausier.content import uploads
from clausier.content.errors import UploadRefused, UploadTooLarge
from tests.content.builders import content_world, jpeg_with_exif, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _store(world, name, data):
    return uploads.store(
        now=timezone.now(),
        actor=world.coach,
        provider=world.provider,
        name=name,
        stream=io.BytesIO(data),
    )


def test_it_keeps_a_pdf_byte_for_byte():
    world = content_world()
    data = pdf_bytes()
    upload = _store(world, "Guide du manager.pdf", data)
    assert upload.content_type == "application/pdf"
    assert upload.filename == "guide-du-manager.pdf"
    with upload.file.open("rb") as stored:
        assert stored.read() == data


def test_a_file_whose_name_lies_gets_the_type_of_its_bytes():
    world = content_world()
    upload = _store(world, "rapport.pdf", png_bytes())
    assert upload.content_type == "image/png"
    assert upload.filename == "rapport.png"


def test_a_pdf_named_like_an_image_is_still_a_pdf():
    world = content_world()
    upload = _store(world, "photo.jpg", pdf_bytes())
    assert (upload.content_type, upload.filename) == ("application/pdf", "photo.pdf")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("image.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100),
    ],
)
def test_it_refuses_svg_html_and_anything_else(name, data):
    world = content_world()
    with pytest.raises(UploadRefused):
        _store(world, name, data)


def test_it_refuses_an_oversize_file_without_reading_it_whole(settings):
    settings.CONTENT_UPLOAD_MAX_BYTES = 2048
    world = content_world()
    big = pdf_bytes() + b"%" + b"x" * 5000

    class Counting(io.BytesIO):
        read_sizes: list[int] = []

        def read(self, size=-1):
            self.read_sizes.append(size)
            return super().read(size)

    stream = Counting(big)
    with pytest.raises(UploadTooLarge):
        uploads.store(
            now=timezone.now(),
            actor=world.coach,
            provider=world.provider,
            name="big.pdf",
            stream=stream,
        )
    assert stream.read_sizes == [2049]


def test_it_strips_exif_from_a_jpeg():
    world = content_world()
    original = jpeg_with_exif()
    assert b"SECRET-CAMERA" in original
    upload = _store(world, "portrait.jpeg", original)
    with upload.file.open("rb") as stored:
        data = stored.read()
    assert b"SECRET-CAMERA" not in data and b"SECRET-SOFTWARE" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_png_with_html_appended_comes_out_as_a_png_only():
    world = content_world()
    polyglot = png_bytes() + b"<html><script>alert(document.cookie)</script></html>"
    upload = _store(world, "image.png", polyglot)
    with upload.file.open("rb") as stored:
        assert b"<script>" not in stored.read()


def test_a_truncated_image_is_refused():
    world = content_world()
    with pytest.raises(UploadRefused):
        _store(world, "broken.png", png_bytes()[:40])


def test_a_decompression_bomb_is_refused(settings):
    settings.CONTENT_IMAGE_MAX_PIXELS = 10_000
    world = content_world()
    with pytest.raises(UploadRefused):
        _store(world, "huge.png", png_bytes((200, 200)))


def test_it_stores_under_a_random_name_outside_the_web_root(settings):
    world = content_world()
    upload = _store(world, "../../etc/passwd.pdf", pdf_bytes())
    assert upload.filename == "passwd.pdf"
    assert ".." not in upload.file.name and "passwd" not in upload.file.name
    location = settings.STORAGES["content"]["OPTIONS"]["location"]
    assert upload.file.path.startswith(location)


def test_it_drops_png_text_chunks_and_icc_profiles():
    world = content_world()
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SECRET-AUTHOR")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = _store(world, "x.png", png_bytes(pnginfo=info, icc_profile=icc))
    with upload.file.open("rb") as stored:
        data = stored.read()
    assert b"SECRET-AUTHOR" not in data and b"iCCP" not in data
    assert Image.open(io.BytesIO(data)).size == (8, 8)
