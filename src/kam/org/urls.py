from django.urls import path

from kam.org import views

# Mounted under /inbox/.
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read-all/", views.inbox_mark_all_read_view, name="inbox_mark_all_read"),
    path("<int:notification_id>/", views.inbox_open_view, name="inbox_open"),
    path("<int:notification_id>/read/", views.inbox_mark_read_view, name="inbox_mark_read"),
]
