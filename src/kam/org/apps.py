from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kam.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Each app declares what its users may do in its own `permissions` module (read by
        # kam.org.permissions.can); load them all, as the admin loads each app's `admin`.
        for config in apps.get_app_configs():
            if config.name.startswith("kam.") and module_has_submodule(
                config.module, "permissions"
            ):
                import_module(f"{config.name}.permissions")
