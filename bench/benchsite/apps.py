from django.apps import AppConfig


class BenchSiteConfig(AppConfig):
    name = "benchsite"
    verbose_name = "blocksstate benchmark"
