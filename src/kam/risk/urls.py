"""The risk app's pages, mounted at the site's root (/risk/…, /accounts/<id>/risk/…)."""

from django.urls import URLPattern, URLResolver, include, path

from kam.risk import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("risk/", views.risk_list_view, name="risk_list"),
    path("risk/clv/", views.risk_clv_view, name="risk_clv"),
    path("risk/migration/", views.risk_migration_view, name="risk_migration"),
    path("risk/models/", views.risk_models_view, name="risk_models"),
    path("accounts/<int:account_id>/risk/", views.account_risk_view, name="account_risk"),
    path("", include("kam.risk.winback.urls")),
    path("", include("kam.risk.report_urls")),
]
