from django.urls import path

from kam.engagement.service import views

# Mounted under /accounts/<account_id>/service/.
account_urlpatterns = [
    path("", views.account_service_view, name="account_service"),
]
