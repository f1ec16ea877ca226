"""`make bench`: how fast the portal answers compared with bare Django, with the seed data
and with 10,000 generated measures.

Three gunicorns with the same settings (production settings, PostgreSQL, Redis, 2 workers)
run side by side: the portal with its page cache, the portal without it, and a one-view
"hello" Django app (perf/hello.py). wrk drives each address in turn with CLIENTS clients
for SECONDS seconds on loopback. The table gives requests per second, p50/p99 latency and
the ratio to hello's throughput. Then two portal servers on the same database and Redis
show that an edit through one is visible through the other at once (perf/two_servers.py).
"""

import os
import sys

from perf import harness, two_servers

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
MEASURES = int(os.environ.get("BENCH_MEASURES", "10000"))
DATABASE = "iserlohn_bench"
PAGES = [
    ("Startseite", "/"),
    ("Katalog", "/massnahmen/"),
    ("Suche", "/massnahmen/?q=Digitalisierung"),
    ("Steckbrief", "/massnahmen/{code}/"),
    ("Umsetzungsstand", "/umsetzungsstand/"),
    ("Kurzbroschüre (PDF)", "/downloads/kurzbroschuere.pdf"),
]
# Targets of the portal (see README, "Leistung").
CACHED_SHARE, UNCACHED_SHARE, P99_MS, SEARCH_P50_MS, GROWTH = 0.60, 0.25, 50, 100, 2.0


def drive(base: str, path: str) -> dict:
    status = harness.fetch_ready(base + path)  # also fills the caches, renders the PDF
    if status != 200:
        harness.fail(f"{base}{path} antwortet mit {status}.")
    result = harness.wrk(base, [path], connections=CLIENTS, seconds=SECONDS)
    seconds = result["duration_us"] / 1e6
    return {
        "rps": result["requests"] / seconds,
        "p50": result["latency_us"]["p50"] / 1000,
        "p99": result["latency_us"]["p99"] / 1000,
        "errors": sum(result["errors"].values()),
    }


def run_dataset(label: str, measures: int) -> dict:
    print(f"\n== {label}: Datenbank anlegen …", flush=True)
    harness.flush_redis()
    env = harness.production_env(harness.fresh_database(DATABASE))
    harness.prepare_portal(env, measures)
    with (
        harness.gunicorn(env, 8081) as cached,
        harness.gunicorn(dict(env, PAGE_CACHE="0"), 8082) as uncached,
        harness.gunicorn(env, 8083, app="perf.hello:application") as hello,
        harness.task_worker(env),
    ):
        code = harness.api_items(cached, "measures")[0]["code"]
        results = {"hello": drive(hello, "/")}
        for name, path in PAGES:
            path = path.format(code=code)
            results[name] = {"cached": drive(cached, path), "uncached": drive(uncached, path)}
        if measures == 0:
            two_servers.check(env)
    print_table(label, results)
    return results


def print_table(label: str, results: dict) -> None:
    hello = results["hello"]
    print(f"\n{label} — {CLIENTS} Clients, je {SECONDS} s; Anteil = Anfragen/s ÷ hello")
    print(f"{'Seite':<22}{'mit Seiten-Cache':>36}   {'ohne Seiten-Cache':>36}")
    print(
        f"{'':<22}{'Anfr./s  p50 ms  p99 ms  Anteil':>36}   {'Anfr./s  p50 ms  p99 ms  Anteil':>36}"
    )
    print(f"{'hello (bloßes Django)':<22}{row(hello, hello)}")
    for name, _ in PAGES:
        line = f"{name:<22}{row(results[name]['cached'], hello)}   "
        print(line + row(results[name]["uncached"], hello))


def row(result: dict, hello: dict) -> str:
    share = result["rps"] / hello["rps"]
    return f"{result['rps']:>10.0f}{result['p50']:>8.1f}{result['p99']:>8.1f}{share:>8.0%}"


def verdict(seed: dict, large: dict) -> list[str]:
    """The targets, each with whether it holds."""
    lines = []
    for data, label in ((seed, "Seed-Daten"), (large, f"{MEASURES} Maßnahmen")):
        hello = data["hello"]["rps"]
        for name, _ in PAGES:
            cached, uncached = data[name]["cached"], data[name]["uncached"]
            checks = [
                (cached["rps"] / hello >= CACHED_SHARE, f"gecacht {cached['rps'] / hello:.0%}"),
                (
                    uncached["rps"] / hello >= UNCACHED_SHARE,
                    f"ungecacht {uncached['rps'] / hello:.0%}",
                ),
                (cached["p99"] <= P99_MS, f"p99 gecacht {cached['p99']:.0f} ms"),
            ]
            for ok, text in checks:
                if not ok:
                    lines.append(f"verfehlt ({label}, {name}): {text}")
    search = large["Suche"]["uncached"]["p50"]
    state = "erreicht" if search <= SEARCH_P50_MS else "verfehlt"
    lines.append(f"{state}: Suche mit {MEASURES} Maßnahmen, p50 {search:.0f} ms (Ziel ≤ 100 ms)")
    for name, _ in PAGES:
        growth = large[name]["uncached"]["p50"] / seed[name]["uncached"]["p50"]
        state = "erreicht" if growth <= GROWTH else "verfehlt"
        lines.append(f"{state}: {name} ungecacht {growth:.1f}× so lange wie mit Seed-Daten")
    errors = sum(
        data[name][mode]["errors"]
        for data in (seed, large)
        for name, _ in PAGES
        for mode in ("cached", "uncached")
    )
    lines.append(f"Fehler (Verbindung, Zeitüberschreitung, Status ≥ 400): {errors}")
    return lines


def main() -> int:
    harness.require_wrk()
    try:
        seed = run_dataset("Seed-Daten", 0)
        large = run_dataset(f"Seed-Daten + {MEASURES} erzeugte Maßnahmen", MEASURES)
    finally:
        harness.drop_database(DATABASE)
    print("\nZiele (Seiten-Cache ≥ 60 %, ohne ≥ 25 % von hello, p99 ≤ 50 ms, …):")
    lines = verdict(seed, large)
    for line in lines:
        print("  " + line)
    # Missed targets are reported; failed requests make the run fail.
    return 0 if lines[-1].endswith(": 0") else 1


if __name__ == "__main__":
    sys.exit(main())
