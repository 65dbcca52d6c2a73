"""The intervention report's page (DOMAIN §10), included from the risk app's URLs."""

from django.urls import URLPattern, path

from kam.risk import report_views

urlpatterns: list[URLPattern] = [
    path(
        "risk/interventions/",
        report_views.intervention_report_view,
        name="risk_interventions",
    ),
]
