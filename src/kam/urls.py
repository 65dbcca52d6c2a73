"""URL map: pages, the admin and the API under /api/v1."""

from django.contrib import admin
from django.urls import include, path

from kam.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("kam.accounts.urls")),
    path("", include("kam.web.urls")),
]
