"""`make loadtest`: the portal under load as in production, and whether it stays error-free.

gunicorn with production settings (DEBUG off, PostgreSQL, Redis, 2 workers) on loopback,
driven by wrk from a second process: CONNECTIONS clients for SECONDS over a mix of pages,
searches, API calls and PDFs. Prints throughput, latency percentiles and errors; exits 1
if any request failed (connection error, timeout or a status of 400 or more).
"""

import os
import sys
import urllib.parse

from perf import harness

CONNECTIONS = int(os.environ.get("LOADTEST_CLIENTS", "50"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
DATABASE = "iserlohn_loadtest"
PORT = 8071


def url_mix(base: str) -> list[str]:
    """Paths as visitors and machines request them, in proportion."""
    measures = [m["code"] for m in harness.api_items(base, "measures")]
    fields = [f["slug"] for f in harness.api_items(base, "fields")]
    substrategies = [s["slug"] for s in harness.api_items(base, "substrategies")]
    pages = [
        "/",
        "/",
        "/leitbild/",
        "/handlungsfelder/",
        "/massnahmen/",
        "/massnahmen/?sortierung=ende",
        "/massnahmen/?status=umsetzung",
        "/umsetzungsstand/",
        "/umsetzungsstand/",
        "/schlagworte/",
        "/downloads/",
        "/daten/",
        "/barrierefreiheit/",
        *[f"/{slug}/" for slug in substrategies],
        *[f"/handlungsfelder/{slug}/" for slug in fields[:4]],
        *[f"/massnahmen/{code}/" for code in measures[:12]],
    ]
    searches = [
        "/massnahmen/?q=" + urllib.parse.quote(term)
        for term in ("Digitalisierung", "Schule", "Bürgerservice", "Digitalisirung", "WLAN")
    ]
    apis = [
        "/api/v1/measures",
        "/api/v1/measures?q=Verwaltung",
        "/api/v1/fields",
        "/api/v1/goals",
        *[f"/api/v1/measures/{code}" for code in measures[:4]],
        "/daten/massnahmen.json",
    ]
    pdfs = [
        "/downloads/kurzbroschuere.pdf",
        *[f"/massnahmen/{code}/steckbrief.pdf" for code in measures[:3]],
    ]
    return pages + searches + apis + pdfs


def main() -> int:
    harness.require_wrk()
    print(f"Lasttest: {CONNECTIONS} Clients, {SECONDS} s, gunicorn mit 2 Workern auf PostgreSQL")
    database_url = harness.fresh_database(DATABASE)
    harness.flush_redis()
    env = harness.production_env(database_url)
    try:
        harness.prepare_portal(env)
        with harness.gunicorn(env, PORT) as base, harness.task_worker(env):
            paths = url_mix(base)
            # Also warms the caches and has the worker render the PDFs of the mix.
            broken = [
                (p, s) for p in paths if (s := harness.fetch_ready(base + p)) >= 400 or s == 202
            ]
            if broken:
                harness.fail(f"Diese Adressen antworten schon ohne Last mit Fehlern: {broken}")
            result = harness.wrk(base, paths, connections=CONNECTIONS, seconds=SECONDS)
    finally:
        harness.drop_database(DATABASE)

    seconds = result["duration_us"] / 1e6
    errors = result["errors"]
    error_count = sum(errors.values())
    latency = result["latency_us"]
    print(f"Adressen im Mix:  {len(paths)} (Seiten, Suche, API, PDFs)")
    print(f"Anfragen:         {result['requests']} in {seconds:.1f} s")
    print(f"Durchsatz:        {result['requests'] / seconds:.0f} Anfragen/s")
    print(f"Übertragen:       {result['bytes'] / seconds / 2**20:.1f} MiB/s")
    print(
        f"Latenz (ms):      p50 {harness.ms(latency['p50'])} · p90 {harness.ms(latency['p90'])}"
        f" · p99 {harness.ms(latency['p99'])} · max {harness.ms(latency['max'])}"
    )
    print(
        f"Fehler:           {error_count} (Verbindung {errors['connect']}, Lesen "
        f"{errors['read']}, Schreiben {errors['write']}, Status ≥ 400 {errors['status']}, "
        f"Zeitüberschreitung {errors['timeout']})"
    )
    return 1 if error_count else 0


if __name__ == "__main__":
    sys.exit(main())
