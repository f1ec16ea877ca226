from django.apps import AppConfig


class PerfConfig(AppConfig):
    """Benchmarks and load tests; as an app only for its management commands
    (generate_measures, bench_publications)."""

    name = "perf"
    verbose_name = "Leistungsmessung"
