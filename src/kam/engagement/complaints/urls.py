from django.urls import path

from kam.engagement.complaints import views

# Mounted under /engagement/complaints/.
urlpatterns = [
    path("", views.complaint_list_view, name="complaint_list"),
    path("report/", views.complaint_report_view, name="complaint_report"),
    path("settings/", views.complaint_settings_view, name="complaint_settings"),
    path("new/<int:account_id>/", views.complaint_create_view, name="complaint_create"),
    path("<int:complaint_id>/", views.complaint_detail_view, name="complaint_detail"),
    path(
        "<int:complaint_id>/acknowledge/",
        views.complaint_acknowledge_view,
        name="complaint_acknowledge",
    ),
    path("<int:complaint_id>/start/", views.complaint_start_view, name="complaint_start"),
    path("<int:complaint_id>/resolve/", views.complaint_resolve_view, name="complaint_resolve"),
    path("<int:complaint_id>/close/", views.complaint_close_view, name="complaint_close"),
    path("<int:complaint_id>/reopen/", views.complaint_reopen_view, name="complaint_reopen"),
    path("<int:complaint_id>/assign/", views.complaint_assign_view, name="complaint_assign"),
    path("<int:complaint_id>/escalate/", views.complaint_escalate_view, name="complaint_escalate"),
]
