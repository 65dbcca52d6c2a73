from django.urls import path

from kam.accounts import views

urlpatterns = [
    path("", views.account_list_view, name="account_list"),
    path("new/", views.account_create_view, name="account_create"),
    path("requests/", views.account_request_list_view, name="account_request_list"),
    path(
        "requests/<int:request_id>/approve/",
        views.account_request_approve_view,
        name="account_request_approve",
    ),
    path(
        "requests/<int:request_id>/decline/",
        views.account_request_decline_view,
        name="account_request_decline",
    ),
    path("<int:account_id>/", views.account_detail_view, name="account_detail"),
    path("<int:account_id>/edit/", views.account_edit_view, name="account_edit"),
    path("<int:account_id>/timeline/", views.account_timeline_view, name="account_timeline"),
    path("<int:account_id>/team/", views.account_team_add_view, name="account_team_add"),
    path(
        "<int:account_id>/team/<int:member_id>/remove/",
        views.account_team_remove_view,
        name="account_team_remove",
    ),
    path(
        "<int:account_id>/potential/",
        views.account_potential_add_view,
        name="account_potential_add",
    ),
    path("<int:account_id>/key-status/", views.account_key_status_view, name="account_key_status"),
    path("<int:account_id>/notes/", views.account_note_add_view, name="account_note_add"),
    path(
        "<int:account_id>/notes/<int:note_id>/delete/",
        views.account_note_delete_view,
        name="account_note_delete",
    ),
]
