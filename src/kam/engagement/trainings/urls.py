from django.urls import path

from kam.engagement.trainings import views

# Mounted under /accounts/<account_id>/trainings/.
account_urlpatterns = [
    path("", views.account_trainings_view, name="account_trainings"),
    path("add/", views.account_training_add_view, name="account_training_add"),
]

# Mounted under /engagement/trainings/.
urlpatterns = [
    path("<int:training_id>/edit/", views.training_edit_view, name="training_edit"),
    path("<int:training_id>/delete/", views.training_delete_view, name="training_delete"),
]
