from django.apps import AppConfig


class BrowserAppsConfig(AppConfig):
    name = "tests.e2e.browser_apps"
    label = "browser_state_e2e"
    verbose_name = "BrowserState test apps"
