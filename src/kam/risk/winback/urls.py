"""The win-back pages (DOMAIN §10), mounted at the site's root by kam.risk.urls."""

from django.urls import path

from kam.risk.winback import views

urlpatterns = [
    path("risk/win-back/", views.plan_list_view, name="win_back_list"),
    path(
        "accounts/<int:account_id>/risk/win-back/start/",
        views.plan_start_view,
        name="win_back_start",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/",
        views.plan_detail_view,
        name="win_back_plan",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/propose/",
        views.plan_propose_view,
        name="win_back_propose",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/reasons/add/",
        views.reason_add_view,
        name="win_back_reason_add",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/reasons/<int:reason_id>/decide/",
        views.reason_decide_view,
        name="win_back_reason_decide",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/interventions/add/",
        views.intervention_add_view,
        name="win_back_intervention_add",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/interventions/"
        "<int:intervention_id>/<str:move>/",
        views.intervention_move_view,
        name="win_back_intervention_move",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/close/",
        views.plan_close_view,
        name="win_back_close",
    ),
    path(
        "accounts/<int:account_id>/risk/win-back/<int:plan_id>/reopen/",
        views.plan_reopen_view,
        name="win_back_reopen",
    ),
]
