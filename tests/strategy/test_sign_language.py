"""The page "Gebärdensprache" (BITV 2.0): DGS videos the Redaktion attaches in the admin,
stored here with captions or linked; until one is published, the header says the videos
are in preparation and the page says how to get the information meanwhile."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from strategy.models import SignLanguageVideo

pytestmark = pytest.mark.django_db

# The first bytes of an MP4 file (its "ftyp" box) and a minimal WebVTT file.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWillkommen bei Iserlohn digital.\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def header_link(client):
    page = client.get("/impressum/").content.decode()
    header = page[: page.index("</header>")]
    return re.search(r'<a href="/gebaerdensprache/">([^<]+)</a>', header).group(1)


def stored_video(**overrides):
    fields = {
        "title": "Was steht auf dieser Website?",
        "text": "Die Stadt Iserlohn hat einen Plan für die Digitalisierung.",
        "video": SimpleUploadedFile("willkommen.mp4", MP4),
        "captions": SimpleUploadedFile("willkommen.vtt", VTT),
        "is_published": True,
    }
    return SignLanguageVideo.objects.create(**(fields | overrides))


def test_without_a_video_the_header_and_the_page_say_it_is_in_preparation(client):
    assert header_link(client) == "Gebärdensprache (in Vorbereitung)"
    page = client.get("/gebaerdensprache/").content.decode()
    assert "Die Videos in Deutscher Gebärdensprache (DGS) sind in Vorbereitung." in page
    assert "Einen festen Termin gibt es noch nicht." in page
    assert "So bekommen Sie die Informationen bis dahin" in page
    assert 'href="/leichte-sprache/"' in page
    assert 'href="mailto:digitalisierung@iserlohn.de"' in page
    assert 'href="/barriere-melden/"' in page
    assert "folgt" not in page
    assert "<video" not in page


def test_a_draft_video_changes_nothing_for_the_public(client):
    draft = stored_video(is_published=False)
    assert header_link(client) == "Gebärdensprache (in Vorbereitung)"
    assert "<video" not in client.get("/gebaerdensprache/").content.decode()
    assert client.get(f"/gebaerdensprache/videos/{draft.pk}/video/").status_code == 404


def test_a_published_video_plays_with_german_captions_and_the_header_drops_the_note(client):
    assert header_link(client) == "Gebärdensprache (in Vorbereitung)"  # now in the page cache
    video = stored_video()

    assert header_link(client) == "Gebärdensprache"
    page = client.get("/gebaerdensprache/").content.decode()
    assert "<video controls" in page
    track = re.search(r"<track [^>]+>", page).group()
    assert 'kind="captions"' in track and 'srclang="de"' in track
    assert "Die Stadt Iserlohn hat einen Plan für die Digitalisierung." in page
    assert "in Vorbereitung" not in page

    file = client.get(f"/gebaerdensprache/videos/{video.pk}/video/")
    assert file["Content-Type"] == "video/mp4"
    assert b"".join(file.streaming_content) == MP4
    captions = client.get(f"/gebaerdensprache/videos/{video.pk}/untertitel/")
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert client.get(f"/gebaerdensprache/videos/{video.pk}/etwas/").status_code == 404


def test_a_linked_video_is_a_link_not_an_embedded_player(client):
    SignLanguageVideo.objects.create(
        title="Barrieren melden", link="https://www.iserlohn.de/dgs/barrieren", is_published=True
    )
    page = client.get("/gebaerdensprache/").content.decode()
    assert '<a href="https://www.iserlohn.de/dgs/barrieren">' in page
    assert "<video" not in page
    assert header_link(client) == "Gebärdensprache"


def test_the_header_asks_the_database_once_per_content_version(rf, django_assert_num_queries):
    from iserlohn_digital.context_processors import site
    from strategy.models import ContentVersion

    request = rf.get("/impressum/")
    request.content_version = ContentVersion.number_and_time()  # as the page cache sets it
    with django_assert_num_queries(1):
        assert not site(request)["sign_language_ready"]
    with django_assert_num_queries(0):
        assert not site(request)["sign_language_ready"]
    stored_video()
    request.content_version = ContentVersion.number_and_time()
    assert site(request)["sign_language_ready"]


def post_video(client, **files):
    data = {"title": "Willkommen", "text": "", "link": "", "position": 0, "is_published": "on"}
    return client.post("/admin/strategy/signlanguagevideo/add/", data | files)


def test_the_redaktion_uploads_a_video_with_captions(admin_client_logged_in):
    response = post_video(
        admin_client_logged_in,
        video=SimpleUploadedFile("willkommen.mp4", MP4, "video/mp4"),
        captions=SimpleUploadedFile("willkommen.vtt", VTT, "text/vtt"),
    )
    assert response.status_code == 302
    assert SignLanguageVideo.objects.get().video.name.endswith(".mp4")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {
                "video": SimpleUploadedFile("film.mp4", b"<html>kein Video</html>", "video/mp4"),
                "captions": SimpleUploadedFile("film.vtt", VTT),
            },
            "Die Datei ist kein Video im Format MP4.",
        ),
        (
            {
                "video": SimpleUploadedFile("film.avi", MP4),
                "captions": SimpleUploadedFile("film.vtt", VTT),
            },
            "Bitte laden Sie ein Video im Format MP4 oder WebM hoch",
        ),
        (
            {
                "video": SimpleUploadedFile("film.mp4", MP4),
                "captions": SimpleUploadedFile("film.vtt", b"1\n00:00:00,000 --> 00:00:02,000\n"),
            },
            "Die Datei ist keine WebVTT-Untertitel-Datei",
        ),
        (
            {
                "video": SimpleUploadedFile("film.mp4", MP4),
                "captions": SimpleUploadedFile("film.srt", VTT),
            },
            "Bitte laden Sie die Untertitel als WebVTT-Datei hoch",
        ),
        (
            {"video": SimpleUploadedFile("film.mp4", MP4)},
            "Bitte entweder eine Videodatei mit Untertiteln hochladen oder einen Link",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_a_german_message(admin_client_logged_in, files, message):
    response = post_video(admin_client_logged_in, **files)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SignLanguageVideo.objects.exists()


def test_a_too_large_video_is_refused(admin_client_logged_in, monkeypatch):
    monkeypatch.setattr("strategy.models.VIDEO_MAX_BYTES", 10)
    response = post_video(
        admin_client_logged_in,
        video=SimpleUploadedFile("film.mp4", MP4),
        captions=SimpleUploadedFile("film.vtt", VTT),
    )
    assert "Das Video ist zu groß." in response.content.decode()
    assert not SignLanguageVideo.objects.exists()


def test_the_redaktion_changes_a_stored_video_without_uploading_it_again(
    admin_client_logged_in, client
):
    video = stored_video(is_published=False)
    response = admin_client_logged_in.post(
        f"/admin/strategy/signlanguagevideo/{video.pk}/change/",
        {"title": "Willkommen in DGS", "text": "", "link": "", "position": 1, "is_published": "on"},
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.title == "Willkommen in DGS" and video.is_published
    assert "Willkommen in DGS" in client.get("/gebaerdensprache/").content.decode()


def test_captions_with_umlauts_anywhere_are_accepted(admin_client_logged_in):
    # The 64th byte falls inside an "ä": the file is still valid UTF-8 WebVTT.
    captions = b"WEBVTT\n\n00:00.000 --> 00:02.000\n" + b"x" * 31 + "ääää Übersicht\n".encode()
    response = post_video(
        admin_client_logged_in,
        video=SimpleUploadedFile("film.mp4", MP4),
        captions=SimpleUploadedFile("film.vtt", captions),
    )
    assert response.status_code == 302
    latin1 = b"WEBVTT\n\n00:00.000 --> 00:02.000\n" + "Übersicht\n".encode("latin-1")
    refused = post_video(
        admin_client_logged_in,
        video=SimpleUploadedFile("film.mp4", MP4),
        captions=SimpleUploadedFile("film.vtt", latin1),
    )
    assert refused.status_code == 200
    assert "in UTF-8 gespeichert sein" in refused.content.decode()


def test_a_video_whose_file_went_missing_can_still_be_withdrawn(admin_client_logged_in, client):
    video = stored_video()
    video.video.storage.delete(video.video.name)
    response = admin_client_logged_in.post(
        f"/admin/strategy/signlanguagevideo/{video.pk}/change/",
        {"title": video.title, "text": "", "link": "", "position": 0},
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert not video.is_published
    assert client.get(f"/gebaerdensprache/videos/{video.pk}/video/").status_code == 404


@pytest.mark.parametrize(
    ("asked", "status", "content_range", "body"),
    [
        ("bytes=0-3", 206, "bytes 0-3/{size}", MP4[:4]),
        ("bytes=8-", 206, "bytes 8-{last}/{size}", MP4[8:]),
        ("bytes=-6", 206, "bytes {tail}-{last}/{size}", MP4[-6:]),
        ("bytes=4-100000", 206, "bytes 4-{last}/{size}", MP4[4:]),
        ("bytes=100000-", 416, "bytes */{size}", b""),
        ("bytes=0-1,4-5", 200, None, MP4),  # several ranges: the whole file
        ("Bytes=kaputt", 200, None, MP4),
    ],
)
def test_a_player_asks_for_part_of_the_video(client, asked, status, content_range, body):
    video = stored_video()
    size = len(MP4)
    response = client.get(
        f"/gebaerdensprache/videos/{video.pk}/video/",
        headers={"Range": asked, "Accept-Encoding": "gzip"},
    )
    assert response.status_code == status
    assert response["Accept-Ranges"] == "bytes"
    assert not response.has_header("Content-Encoding")  # a video is never gzipped
    if content_range:
        expected = content_range.format(size=size, last=size - 1, tail=size - 6)
        assert response["Content-Range"] == expected
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content == body
    if status == 206:
        assert response["Content-Length"] == str(len(body))
