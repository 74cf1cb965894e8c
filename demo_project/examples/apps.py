from django.apps import AppConfig


class ExamplesConfig(AppConfig):
    name = "demo_project.examples"
    label = "examples"
    verbose_name = "blocksstate examples"
