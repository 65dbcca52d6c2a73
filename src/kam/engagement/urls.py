"""The engagement app's pages, one include per part (mounted under /engagement/)."""

from django.urls import include, path

urlpatterns = [
    path("complaints/", include("kam.engagement.complaints.urls")),
]
