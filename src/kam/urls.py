"""URL map: pages, the admin and the API under /api/v1."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kam.api.api import api
from kam.engagement.surveys import urls as survey_urls
from kam.ledger import urls as ledger_urls
from kam.portfolio import urls as portfolio_urls
from kam.relationships import urls as relationship_urls

urlpatterns = [
    # The admin signs in through kam's own rate-limited sign-in page.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("kam.accounts.urls")),
    path("imports/", include("kam.ledger.urls")),
    path("accounts/<int:account_id>/ledger/", include(ledger_urls.account_urlpatterns)),
    path("accounts/<int:account_id>/portfolio/", include(portfolio_urls.account_urlpatterns)),
    path(
        "accounts/<int:account_id>/relationship-map/",
        include(relationship_urls.account_urlpatterns),
    ),
    path("accounts/<int:account_id>/", include(relationship_urls.vcard_urlpatterns)),
    path("portfolio/", include("kam.portfolio.urls")),
    path("alerts/", include("kam.alerts.urls")),
    path("accounts/<int:account_id>/surveys/", include(survey_urls.account_urlpatterns)),
    path("surveys/", include(survey_urls.urlpatterns)),
    path("s/", include(survey_urls.public_urlpatterns)),
    path("inbox/", include("kam.org.urls")),
    path("", include("kam.engagement.urls")),
    path("", include("kam.risk.urls")),
    path("", include("kam.web.urls")),
]

# The error pages inside the layout, in the reader's language (kam.web.errors).
handler404 = "kam.web.errors.not_found_view"
handler403 = "kam.web.errors.forbidden_view"
handler500 = "kam.web.errors.server_error_view"
