from django.urls import path

from kam.engagement.competitors import views

# Mounted under /accounts/<account_id>/competitor-moves/.
account_urlpatterns = [
    path("", views.account_competitor_moves_view, name="account_competitor_moves"),
    path("add/", views.account_competitor_move_add_view, name="account_competitor_move_add"),
]

# Mounted under /engagement/competitor-moves/.
urlpatterns = [
    path("", views.competitor_move_list_view, name="competitor_move_list"),
    path("<int:move_id>/edit/", views.competitor_move_edit_view, name="competitor_move_edit"),
    path("<int:move_id>/delete/", views.competitor_move_delete_view, name="competitor_move_delete"),
]
