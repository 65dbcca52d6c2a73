"""The risk app's pages, mounted at the site's root (/risk/…, /accounts/<id>/risk/…)."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("kam.risk.report_urls")),
]
