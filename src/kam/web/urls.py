from django.urls import path

from kam.web import views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("login/", views.KamLoginView.as_view(), name="login"),
    path("logout/", views.KamLogoutView.as_view(), name="logout"),
    path("language/", views.set_language_view, name="set_language"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/tokens/", views.token_create_view, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("healthz", views.health_view, name="health"),
]
