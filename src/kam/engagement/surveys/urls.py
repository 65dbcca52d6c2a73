from django.urls import path

from kam.engagement.surveys import views

# Mounted under /accounts/<account_id>/surveys/.
account_urlpatterns = [
    path("", views.account_surveys_view, name="account_surveys"),
    path("add/", views.account_survey_add_view, name="account_survey_add"),
    path("invite/", views.account_survey_invite_view, name="account_survey_invite"),
    path("plans/add/", views.account_survey_plan_add_view, name="account_survey_plan_add"),
]

urlpatterns = [
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.survey_invitation_revoke_view,
        name="survey_invitation_revoke",
    ),
]

# Mounted under /s/: the public form, no sign-in.
public_urlpatterns = [
    path("<str:token>/", views.survey_public_view, name="survey_public"),
]
