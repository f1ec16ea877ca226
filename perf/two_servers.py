"""Two app servers, one database, one Redis: an edit through one is seen through the other.

An editor signs in to the admin of server A (password and TOTP code, as in production)
and withdraws a measure; server B, whose page cache held the measure's page, answers 404
on the very next request. Publishing it again through A brings it back on B. Part of
`make bench`.
"""

import base64
import hashlib
import hmac
import http.client
import re
import secrets
import struct
import subprocess
import time
import urllib.parse
from http.cookies import SimpleCookie

from perf import harness

PORT_A, PORT_B = 8084, 8085


def totp(secret_base32: str, at: float | None = None) -> str:
    """The current six-digit code of an authenticator app (RFC 6238, SHA-1, 30 s)."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Browser:
    """Cookies and CSRF as a browser keeps them, over plain HTTP on loopback; the portal
    sees HTTPS through the proxy header it trusts in production."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{self.port}",
            "Origin": origin,
            "Referer": origin + path,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers, text

    def csrf_token(self, path: str) -> str:
        _, _, text = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if not match:
            harness.fail(f"Kein CSRF-Token auf {path}.")
        return match.group(1)


def status(port: int, path: str) -> int:
    return harness.fetch(f"http://127.0.0.1:{port}{path}")


def check(env: dict[str, str]) -> None:
    print("\n== Zwei App-Server, eine Datenbank, ein Redis", flush=True)
    password = secrets.token_urlsafe(16)
    subprocess.run(
        [
            harness.PYTHON,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "bench",
            "--email",
            "bench@example.org",
        ],
        cwd=harness.ROOT,
        env=dict(env, DJANGO_SUPERUSER_PASSWORD=password),
        check=True,
    )
    enrolled = subprocess.run(
        [harness.PYTHON, "manage.py", "enrol_totp", "bench"],
        cwd=harness.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    secret = re.search(r"secret=([A-Z2-7]+)", enrolled).group(1)

    with harness.gunicorn(env, PORT_A), harness.gunicorn(env, PORT_B):
        editor = Browser(PORT_A)
        token = editor.csrf_token("/admin/login/")
        code, _, _ = editor.request(
            "POST",
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": token,
                "username": "bench",
                "password": password,
                "otp_token": totp(secret),
                "next": "/admin/",
            },
        )
        if code != 302:
            harness.fail(f"Anmeldung am Admin von Server A misslungen (Status {code}).")
        _, _, changelist = editor.request("GET", "/admin/measures/measure/?o=1")
        pk = re.search(r'name="_selected_action" value="(\d+)"', changelist).group(1)
        _, _, form = editor.request("GET", f"/admin/measures/measure/{pk}/change/")
        tag = re.search(r'<input[^>]*name="code"[^>]*>', form).group(0)
        measure_code = re.search(r'value="([^"]+)"', tag).group(1)
        path = f"/massnahmen/{measure_code}/"
        before = [status(PORT_B, path) for _ in range(2)]  # the second from B's page cache

        def act(action: str) -> None:
            token = editor.csrf_token("/admin/measures/measure/")
            code, _, _ = editor.request(
                "POST",
                "/admin/measures/measure/",
                {
                    "csrfmiddlewaretoken": token,
                    "action": action,
                    "_selected_action": pk,
                    "index": "0",
                },
            )
            if code != 302:
                harness.fail(f"Aktion {action} auf Server A misslungen (Status {code}).")

        act("unpublish")
        withdrawn = status(PORT_B, path)
        act("publish")
        back = status(PORT_B, path)
    ok = before == [200, 200] and withdrawn == 404 and back == 200
    print(
        f"Seite {path} auf Server B: vorher {before[-1]}, nach dem Zurückziehen über A "
        f"{withdrawn}, nach erneutem Veröffentlichen über A {back}"
    )
    print("Änderung über Server A sofort auf Server B sichtbar: " + ("ja" if ok else "NEIN"))
    if not ok:
        harness.fail("Server B zeigte den alten Stand.")
