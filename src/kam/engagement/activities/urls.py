from django.urls import path

from kam.engagement.activities import views

urlpatterns = [
    path("agenda/", views.agenda_view, name="agenda"),
    path("agenda/activities/<int:activity_id>/done/", views.agenda_done_view, name="agenda_done"),
    path(
        "agenda/accounts/<int:account_id>/plan-visit/",
        views.agenda_plan_visit_view,
        name="agenda_plan_visit",
    ),
    path(
        "accounts/<int:account_id>/activities/",
        views.account_activities_view,
        name="account_activities",
    ),
    path("engagement/settings/", views.cadence_settings_view, name="cadence_settings"),
]
