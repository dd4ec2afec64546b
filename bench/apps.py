from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' tools, kept out of the product: ``manage.py generate_synthetic_data`` and
    ``manage.py count_queries``, for benchmarks and for operators trying a production-like
    server. No models, no URLs; the product never imports anything from here."""

    name = "bench"
    verbose_name = "Benchmarks"
