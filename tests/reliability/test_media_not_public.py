"""The media folder is not a website: a real server with ``make run``'s settings serves no file under
/media/ (drafts' originals, a private teen's video, data-export ZIPs, upload parts), to nobody, while
the views that check who may see a file still serve it to those allowed; and a missing page is the
site's own 404 page, not Django's technical one."""

import datetime
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone

from creators.models import UploadSession, Video
from creators.services import upload_part_path
from platform.models import DataExport, User
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago
from tests.workers import start_web, stop_web

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def stored(media_root: Path, name: str, content: bytes = b"\x00\x00\x00\x18ftypmp42 private bytes") -> str:
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def get(url: str, cookies: dict[str, str] | None = None) -> requests.Response:
    return requests.get(url, cookies=cookies or {}, timeout=10, allow_redirects=False)


def session_cookie(user: User) -> dict[str, str]:
    """A logged-in session the server finds in the shared database."""
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.fixture
def local_server(media_root, tmp_path) -> Iterator[str]:
    """gunicorn with the embedded default's settings (``platform.settings.local``: what ``make run``
    serves), on the test database and media folder; the same secret key, so test log-ins hold there."""
    env = {"DJANGO_SETTINGS_MODULE": "platform.settings.local", "SECRET_KEY": settings.SECRET_KEY}
    server: subprocess.Popen[bytes]
    server, url = start_web(media_root=Path(media_root), log=tmp_path / "web.log", extra_env=env)
    try:
        yield url
    finally:
        stop_web(server)


def test_no_file_under_media_is_served_and_the_checked_views_still_serve_what_each_may_see(
    local_server, media_root
):
    media_root = Path(media_root)
    drafter = CreatorFactory.create()
    draft = VideoFactory.create(owner=drafter, state=Video.State.DRAFT, published_at=None)
    stored(media_root, str(draft.original.name))
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(15), is_private=True))
    private = VideoFactory.create(owner=teen)
    Video.objects.filter(pk=private.pk).update(
        rendition=stored(media_root, f"videos/{private.public_id.hex}/rendition-1.mp4"),
        poster=stored(media_root, f"videos/{private.public_id.hex}/poster.jpg", b"\xff\xd8\xff teen"),
    )
    public = VideoFactory.create()
    Video.objects.filter(pk=public.pk).update(
        rendition=stored(media_root, f"videos/{public.public_id.hex}/rendition-1.mp4", b"public bytes")
    )
    exporter = UserFactory.create()
    token = uuid.uuid4().hex
    export = DataExport.objects.create(
        user=exporter,
        token=token,
        state=DataExport.State.READY,
        file=stored(media_root, f"exports/{token}.zip", b"PK\x03\x04 everything about them"),
        ready_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    upload = UploadSession.objects.create(owner=drafter, filename="clip.mp4", size=100)
    part = upload_part_path(upload)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"half an upload")
    names = [
        str(draft.original.name),
        f"videos/{private.public_id.hex}/rendition-1.mp4",
        f"videos/{private.public_id.hex}/poster.jpg",
        f"videos/{public.public_id.hex}/rendition-1.mp4",
        export.file.name,
        str(part.relative_to(media_root)),
    ]
    assert all((media_root / name).is_file() for name in names)
    stranger = session_cookie(UserFactory.create())

    for cookies in ({}, stranger):
        for name in names:
            response = get(f"{local_server}/media/{name}", cookies)
            assert response.status_code == 404, (name, cookies)
            assert b"private bytes" not in response.content
            assert b"everything" not in response.content
        # The checked views: the public rendition to anyone, the private teen's video to nobody else.
        public_file = get(f"{local_server}/v/{public.public_id}/video", cookies)
        assert (public_file.status_code, public_file.content) == (200, b"public bytes")
        for kind in ("video", "poster"):
            refused = get(f"{local_server}/v/{private.public_id}/{kind}", cookies)
            assert refused.status_code == 404
        download = get(f"{local_server}/accounts/data/export/{token}/", cookies)
        assert download.status_code == (404 if cookies else 302)  # anonymous: to the log-in page

    # Their owners still get them, through the views.
    own = get(f"{local_server}/v/{private.public_id}/video", session_cookie(teen.user))
    assert own.status_code == 200
    download = get(f"{local_server}/accounts/data/export/{token}/", session_cookie(exporter))
    assert (download.status_code, download.content) == (200, b"PK\x03\x04 everything about them")


def test_a_missing_page_under_the_embedded_settings_is_the_sites_own_404(local_server):
    response = get(f"{local_server}/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.text
    assert "URLconf" not in response.text
    assert "DEBUG = True" not in response.text
    # Static files are still served with DEBUG off (whitenoise, from the finders).
    stylesheet = get(f"{local_server}/static/css/joyreel.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["Content-Type"].startswith("text/css")
