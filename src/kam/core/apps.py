from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kam.core"
    label = "core"

    def ready(self) -> None:
        from django.utils.translation import gettext

        from kam.importing.messages import use_translator

        # kam.importing marks its messages; they read in the language active where shown.
        use_translator(gettext)
