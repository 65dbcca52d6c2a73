from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kam.api"
    label = "kam_api"
