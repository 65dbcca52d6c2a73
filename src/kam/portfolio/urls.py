from django.urls import path

from kam.portfolio import views

urlpatterns = [
    path("", views.matrix_view, name="portfolio_matrix"),
    path("pareto/", views.pareto_view, name="portfolio_pareto"),
    path("migration/", views.migration_view, name="portfolio_migration"),
    path("proposals/", views.proposals_view, name="portfolio_proposals"),
    path(
        "proposals/<int:account_id>/", views.proposal_decide_view, name="portfolio_proposal_decide"
    ),
    path("settings/", views.settings_view, name="portfolio_settings"),
    path("playbooks/", views.playbooks_view, name="portfolio_playbooks"),
    path("playbooks/<str:strategy>/", views.playbook_edit_view, name="portfolio_playbook_edit"),
    path("score/", views.score_start_view, name="portfolio_score"),
]

# Mounted under /accounts/<account_id>/portfolio/.
account_urlpatterns = [
    path("strategy/", views.account_strategy_view, name="account_strategy"),
    path("strategy/status/", views.account_rescore_status_view, name="account_rescore_status"),
    path("strategy/override/", views.strategy_override_view, name="account_strategy_override"),
    path("costs/", views.cost_add_view, name="account_cost_add"),
    path("costs/<int:cost_id>/delete/", views.cost_delete_view, name="account_cost_delete"),
]
