from django.urls import path

from kam.engagement.calendar import views

urlpatterns = [
    path("calendar/<str:token>.ics", views.feed_view, name="calendar_feed"),
    path(
        "engagement/activities/<int:activity_id>/invite.ics",
        views.invitation_view,
        name="activity_invitation",
    ),
    path("agenda/calendar-feed/", views.feed_create_view, name="calendar_feed_create"),
    path("agenda/calendar-feed/revoke/", views.feed_revoke_view, name="calendar_feed_revoke"),
]
