"""Issue 3's acceptance, in real Chromium against the production server: accounts made on the command
line enrol TOTP and log in, an analyst authors an object with two images (one carrying GPS EXIF), a
publisher approves it into a release, and it appears publicly at the release time, metadata-free."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import Server
from tests.e2e.staff_login import create_staff, login_with_enrolment

pytestmark = pytest.mark.browser


def _jpeg_with_gps(path: Path, colour: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (1400, 1000), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 1400, 70):
        draw.rectangle((i, 0, i + 30, 1000), fill=(255 - colour[0], 200, 40))
    exif = Image.Exif()
    exif[0x010F] = "ForensicCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 13.0, 30.0), "E", (21.0, 0.0, 42.0)
    image.save(path, "JPEG", exif=exif.tobytes(), comment=b"case 4711")
    with Image.open(path) as check:  # the fixture really carries GPS
        assert check.getexif().get_ifd(0x8825)
    return path


def _wait_until_ready(page: Any, images_url: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page.goto(images_url)
        if page.locator("main img").count() >= count:
            return
        time.sleep(1)
    pytest.fail("the task worker did not process the images in time")


def test_author_review_release_publish(chromium: Any, production_server: Server, tmp_path: Path) -> None:
    server = production_server
    create_staff(server, "e2e-analyst", "analyst", tmp_path)
    create_staff(server, "e2e-publisher", "publisher", tmp_path)
    code = "E2E-2026"

    # The analyst enrols, authors a draft and uploads two images.
    analyst_context = chromium.new_context(java_script_enabled=False)
    analyst = login_with_enrolment(analyst_context, server, "e2e-analyst")
    analyst.goto(f"{server.url}/staff/objects/new/")
    analyst.fill("#id_code", code)
    analyst.fill("#id_title", "Green lamp with a pleated shade")
    analyst.fill("#id_description", "A bedside lamp seen on a night stand.")
    analyst.fill("#id_questions", "Which shop sold this lamp?\nIn which years?")
    analyst.fill("#id_hints", "circa 2015")
    analyst.fill("#id_case_reference", "CASE-SECRET-99")
    analyst.click("main form button[type=submit]")
    assert f"/staff/objects/{code}/" in analyst.url
    images_url = f"{server.url}/staff/objects/{code}/images/"
    for colour in ((30, 120, 60), (120, 40, 160)):
        analyst.goto(images_url)
        analyst.set_input_files(
            "input[type=file]", str(_jpeg_with_gps(tmp_path / f"{colour[0]}.jpg", colour))
        )
        analyst.click("form[enctype='multipart/form-data'] button[type=submit]")
    _wait_until_ready(analyst, images_url, 2)
    analyst.goto(f"{server.url}/staff/objects/{code}/")
    analyst.click("text=Submit for review")
    assert "In review" in analyst.locator("main").inner_text()

    # The publisher reviews against the checklist and approves.
    publisher_context = chromium.new_context(java_script_enabled=False)
    publisher = login_with_enrolment(publisher_context, server, "e2e-publisher")
    publisher.goto(f"{server.url}/staff/objects/{code}/review/")
    for box in publisher.locator("input[name=checklist]").all():
        box.check()
    publisher.click("button[name=decision][value=approve]")
    assert "Approved" in publisher.locator("main").inner_text()

    # A release tomorrow: published, but not visible yet.
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    publisher.goto(f"{server.url}/staff/releases/new/")
    publisher.fill("#id_name", "E2E release")
    publisher.fill("#id_publish_at", tomorrow)
    publisher.click("main form button[type=submit]")
    release_url = publisher.url
    assert re.search(r"/staff/releases/\d+/$", release_url), release_url
    publisher.locator("label", has_text=code).locator("input[name=objects]").check()
    publisher.locator("input[name=audience][value=public]").check()
    publisher.click("text=Publish in this release")

    public = chromium.new_context(java_script_enabled=False).new_page()
    response = public.goto(f"{server.url}/objects/{code}/")
    assert response.status == 404, "before the release time the object is not public"

    # Move the release time to now: the object appears, with the "new" badge.
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    publisher.goto(release_url)
    publisher.fill("form[action$='/schedule/'] input[name=publish_at]", now)
    publisher.click("text=Change the time")
    response = public.goto(f"{server.url}/objects/{code}/")
    assert response.status == 200
    assert "CASE-SECRET-99" not in public.content()
    assert public.locator(".object-code .badge").count() == 1
    sources = set()
    for element in public.locator(".object-images img, .object-images source").all():
        for attribute in ("src", "srcset"):
            value = element.get_attribute(attribute) or ""
            sources |= {part.strip().split(" ")[0] for part in value.split(",") if part.strip()}
    assert len(sources) >= 4, sources  # two images, WebP and JPEG
    for source in sources:
        data = public.request.get(f"{server.url}{source}").body()
        assert b"ForensicCam" not in data
        assert b"case 4711" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif(), "a public image carries EXIF"
            assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
    public.goto(f"{server.url}/")
    assert code in public.locator(".card-code").all_inner_texts()
