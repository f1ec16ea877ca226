"""CPU time per request in one process, steadier on a shared machine than wrk's figures.

`run()` starts `python -m perf.inprocess` with the environment of a production server
(harness.production_env, PAGE_CACHE=0 for the uncached figures). That process imports the
real WSGI entry point (iserlohn_digital.wsgi.application, with whatever layer sits in
front of Django there) and calls it with WSGI environs as gunicorn would build them for
wrk's requests (same Host, Accept-Encoding gzip), reads each answer to its end and closes
it (Django's request_finished runs there). After a warm-up, each page is asked for in
ROUNDS rounds of up to MAX_REQUESTS requests; per round the CPU time of the process
(time.process_time) and the wall time (CPU plus the waits for PostgreSQL and Redis) are
divided by the requests, and the medians of the rounds are the figures.
"""

import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wsgiref.util
from pathlib import Path

ROUNDS = 7
WARMUP = 3
# Requests per round: as many as take about ROUND_SECONDS, within these bounds.
MIN_REQUESTS, MAX_REQUESTS, ROUND_SECONDS = 2, 20, 0.12


def run(env: dict[str, str], paths: list[str], host: str, app: str) -> dict[str, dict]:
    """Figures per path of `app` ("module:callable") in a process with environment `env`."""
    from perf import harness

    spec = {"app": app, "paths": paths, "host": host}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec_file:
        json.dump(spec, spec_file)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out_file:
        pass
    # The application's log lines (one per request) go to a file, as gunicorn's do.
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.run(
            [harness.PYTHON, "-m", "perf.inprocess", spec_file.name, out_file.name],
            cwd=harness.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            if process.returncode != 0:
                log.seek(0)
                harness.fail(f"Messung in einem Prozess ({app}) gescheitert:\n{log.read()[-3000:]}")
            results = json.loads(Path(out_file.name).read_text())
            if any(result["errors_1p"] for result in results.values()):
                log.seek(0)
                errors = [line for line in log if '"level": "ERROR"' in line]
                if errors:
                    print(f"   in einem Prozess ({app}), z. B.: {errors[0][:400]}", flush=True)
            return results
        finally:
            os.unlink(spec_file.name)
            os.unlink(out_file.name)


def main(spec_path: str, out_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    module, _, name = spec["app"].partition(":")
    application = getattr(importlib.import_module(module), name or "application")
    from django.test import RequestFactory

    factory = RequestFactory()
    results = {path: measure(application, factory, path, spec["host"]) for path in spec["paths"]}
    Path(out_path).write_text(json.dumps(results))


def environ(factory, path: str, host: str) -> dict:
    """A WSGI environ like gunicorn's for wrk's GET of `path` (perf/wrk_report.lua)."""
    request = factory.get(path, HTTP_HOST=host, HTTP_ACCEPT_ENCODING="gzip, br")
    env = dict(request.environ)
    env["wsgi.file_wrapper"] = wsgiref.util.FileWrapper
    return env


def call(application, env: dict) -> int:
    """Status of one request; the answer is read to its end and closed."""
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)
        return lambda data: None

    body = application(env, start_response)
    try:
        for _ in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return int(statuses[-1].split()[0])


def measure(application, factory, path: str, host: str) -> dict:
    statuses = []
    for _ in range(WARMUP):
        statuses.append(call(application, environ(factory, path, host)))
    # The last warm-up request tells how long one takes once caches are filled.
    started = time.perf_counter()
    statuses.append(call(application, environ(factory, path, host)))
    one = time.perf_counter() - started
    count = max(MIN_REQUESTS, min(MAX_REQUESTS, round(ROUND_SECONDS / max(one, 1e-6))))
    cpu, wall = [], []
    for _ in range(ROUNDS):
        environs = [environ(factory, path, host) for _ in range(count)]
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for env in environs:
            statuses.append(call(application, env))
        cpu.append((time.process_time() - cpu_start) / count * 1000)
        wall.append((time.perf_counter() - wall_start) / count * 1000)
    return {
        "cpu_ms": statistics.median(cpu),
        "wall_ms": statistics.median(wall),
        "requests": count * ROUNDS,
        "statuses": sorted(set(statuses)),
        "errors_1p": sum(status >= 400 for status in statuses),
    }


if __name__ == "__main__":
    main(*sys.argv[1:3])
