from django.urls import path

from kam.alerts import views

# Mounted under /alerts/; the names stay those the pages and tests have always used.
urlpatterns = [
    path("", views.alerts_view, name="portfolio_alerts"),
    path("<int:alert_id>/acknowledge/", views.alert_acknowledge_view, name="alert_acknowledge"),
]
