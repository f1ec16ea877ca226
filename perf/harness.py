"""What the load test and the benchmark share: a database of their own, gunicorn with
production settings, and wrk driving it from a second process on loopback.

Run only through `make loadtest` and `make bench`; nothing here is imported by the portal.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")

POSTGRES_URL = os.environ.get("PERF_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("PERF_REDIS_URL", "redis://127.0.0.1:6379/15")


def fail(message: str) -> None:
    print(f"Abbruch: {message}", file=sys.stderr)
    sys.exit(2)


def require_wrk() -> str:
    """wrk's path; installed from the distribution's packages where that is possible."""
    wrk = shutil.which("wrk")
    if not wrk and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk fehlt; wird mit apt-get installiert …", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        installed = subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env)
        if installed.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env)
        wrk = shutil.which("wrk")
    if not wrk:
        fail("wrk ist nicht installiert (Debian/Ubuntu: apt-get install wrk).")
    return wrk


def fresh_database(name: str) -> str:
    """Drops and creates database `name` on the PostgreSQL server; returns its URL."""
    try:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        fail(f"PostgreSQL unter {POSTGRES_URL} ist nicht erreichbar ({error}).")
    return f"{POSTGRES_URL}/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis() -> None:
    """Empties the benchmark's own Redis database, so no page comes from an earlier run."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as error:
        fail(f"Redis unter {REDIS_URL} ist nicht erreichbar ({error}).")


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production server, on loopback and without TLS."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        # All load comes from one address (loopback); the per-client PDF budget is about
        # single visitors and would refuse the warm-up of the PDFs in the mix.
        PDF_RENDERS_PER_CLIENT="100000",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_portal(env: dict[str, str], measures: int = 0) -> None:
    """Migrates, loads the seed data (and `measures` generated ones), collects static files."""
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_seed", "--verbosity", "0")
    if measures:
        manage(env, "generate_measures", str(measures))
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    # Statistics for the planner, as autovacuum keeps them on a database in use; right
    # after bulk loading PostgreSQL would plan the 10,000 measures as the empty tables.
    if env["DATABASE_URL"].startswith("postgres"):
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, app: str = "iserlohn_digital.wsgi", workers=2):
    """A gunicorn with the production configuration, answering on 127.0.0.1:`port`."""
    fd, log_path = tempfile.mkstemp(prefix="gunicorn-", suffix=".log")
    log = os.fdopen(fd, "w")
    server_env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        # wrk sends tens of thousands of requests a drive: renewing workers after
        # max_requests (as production does, against slow leaks) would put their restarts
        # into the p99 of whichever page is driven then.
        GUNICORN_MAX_REQUESTS="0",
    )
    process = subprocess.Popen(
        [
            GUNICORN,
            "--config",
            "iserlohn_digital/gunicorn.conf.py",
            app,
        ],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/healthz", process, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        log.close()
        markers = ('"level": "ERROR"', '"level": "CRITICAL"', "[CRITICAL]", "WORKER TIMEOUT")
        lines = Path(log_path).read_text().splitlines()
        errors = [line for line in lines if any(marker in line for marker in markers)]
        if errors:
            print(f"gunicorn meldete {len(errors)} Fehler, z. B.: {errors[0][:300]}")
        # Workers renewed after max_requests (gunicorn.conf.py) during the drives: each
        # renewal can show in p99.
        renewed = sum("Autorestarting worker" in line for line in lines)
        if renewed:
            print(f"gunicorn :{port}: {renewed} Worker nach max_requests erneuert")
        os.unlink(log_path)


@contextlib.contextmanager
def task_worker(env: dict[str, str]):
    """The task worker beside gunicorn (`manage.py db_worker`), as in production: it
    renders the PDFs."""
    process = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "-v", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield
    finally:
        stop(process)


def stop(process: subprocess.Popen, seconds: float = 60) -> None:
    """Ends a process started in a session of its own, with all its children: SIGTERM,
    and SIGKILL if it has not ended after `seconds`."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def fetch_ready(url: str, seconds: float = 600) -> int:
    """Status of a GET of `url` once the task worker has made the document: a PDF not
    rendered yet answers 202 ("wird erstellt") until then."""
    deadline = time.monotonic() + seconds
    while (status := fetch(url)) == 202 and time.monotonic() < deadline:
        time.sleep(0.5)
    return status


def wait_until_ready(url: str, process: subprocess.Popen, log: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"gunicorn ist beendet:\n{Path(log).read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    fail(f"gunicorn antwortet nicht unter {url}.")


def fetch(url: str) -> int:
    """Status of a GET of `url`; used to check the paths before the load and to warm caches."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def api_items(base_url: str, path: str) -> list:
    """The items of an API list of the running portal, paginated or not."""
    with urllib.request.urlopen(f"{base_url}/api/v1/{path}", timeout=30) as response:
        data = json.load(response)
    return data["items"] if isinstance(data, dict) else data


def wrk(base_url: str, paths: list[str], *, connections: int, seconds: int) -> dict:
    """Drives `paths` (in turn) with `connections` clients for `seconds`; wrk's figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as report:
        pass
    try:
        subprocess.run(
            [
                require_wrk(),
                f"--threads={min(2, connections)}",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--timeout=10s",
                f"--script={WRK_SCRIPT}",
                base_url,
            ],
            env=dict(os.environ, WRK_PATHS=listing.name, WRK_REPORT=report.name),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return json.loads(Path(report.name).read_text())
    finally:
        os.unlink(listing.name)
        os.unlink(report.name)


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f}"
