"""Serving the account (DOMAIN §9): activities and cadence, complaints with their service
levels, satisfaction surveys, trainings and competitor moves."""

from kam.engagement.activities.models import Activity, CadenceSettings  # noqa: F401
from kam.engagement.calendar.models import CalendarFeed  # noqa: F401
from kam.engagement.competitors.models import CompetitorMove  # noqa: F401
from kam.engagement.complaints.models import Complaint, ComplaintEvent, ComplaintSettings  # noqa: F401
from kam.engagement.surveys.models import SurveyInvitation, SurveyPlan, SurveyResponse  # noqa: F401
from kam.engagement.trainings.models import Training  # noqa: F401
