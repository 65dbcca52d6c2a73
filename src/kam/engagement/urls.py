"""The engagement app's pages, one URL list per part, mounted at the site's root: complaints
under /engagement/complaints/, trainings and competitor moves, the account's service
page, the agenda, the account's activities, the cadence settings."""

from django.urls import include, path

from kam.engagement.activities.urls import urlpatterns as activities_urls
from kam.engagement.calendar.urls import urlpatterns as calendar_urls
from kam.engagement.competitors import urls as competitor_urls
from kam.engagement.service import urls as service_urls
from kam.engagement.trainings import urls as training_urls

urlpatterns = [
    path("engagement/complaints/", include("kam.engagement.complaints.urls")),
    path("engagement/trainings/", include("kam.engagement.trainings.urls")),
    path("engagement/competitor-moves/", include("kam.engagement.competitors.urls")),
    path("accounts/<int:account_id>/trainings/", include(training_urls.account_urlpatterns)),
    path(
        "accounts/<int:account_id>/competitor-moves/",
        include(competitor_urls.account_urlpatterns),
    ),
    path("accounts/<int:account_id>/service/", include(service_urls.account_urlpatterns)),
    *activities_urls,
    *calendar_urls,
]
