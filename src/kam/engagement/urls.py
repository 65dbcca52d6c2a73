"""The engagement app's pages, one URL list per part, mounted at the site's root: complaints
under /engagement/complaints/, the agenda, the account's activities, the cadence settings."""

from django.urls import include, path

from kam.engagement.activities.urls import urlpatterns as activities_urls
from kam.engagement.calendar.urls import urlpatterns as calendar_urls

urlpatterns = [
    path("engagement/complaints/", include("kam.engagement.complaints.urls")),
    *activities_urls,
    *calendar_urls,
]
