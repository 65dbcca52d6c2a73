from django.urls import path

from kam.alerts import views

# Mounted under /alerts/; the names stay those the pages and tests have always used.
urlpatterns = [
    path("", views.alerts_view, name="portfolio_alerts"),
    path("<int:alert_id>/", views.alert_detail_view, name="alert_detail"),
    path("<int:alert_id>/acknowledge/", views.alert_acknowledge_view, name="alert_acknowledge"),
    path("<int:alert_id>/resolve/", views.alert_resolve_view, name="alert_resolve"),
    path("<int:alert_id>/reopen/", views.alert_reopen_view, name="alert_reopen"),
    path("<int:alert_id>/assign/", views.alert_assign_view, name="alert_assign"),
    path("<int:alert_id>/comments/", views.alert_comment_view, name="alert_comment"),
    path("<int:alert_id>/follow-ups/", views.alert_follow_up_view, name="alert_follow_up"),
]
