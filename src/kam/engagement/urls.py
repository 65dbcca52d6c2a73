"""The engagement app's pages, one URL list per part, mounted at the site's root."""

from kam.engagement.activities.urls import urlpatterns as activities_urls

urlpatterns = [*activities_urls]
