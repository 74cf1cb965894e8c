"""App config: discovers ``blocks.py`` modules and registers the system checks."""

from django.apps import AppConfig


class BlocksStateConfig(AppConfig):
    name = "blocksstate"
    verbose_name = "Blocks state"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
        from .app.registry import autodiscover

        autodiscover()
        from .gc_setup import configure_gc

        configure_gc()
