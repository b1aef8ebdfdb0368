"""The public survey web form (server-rendered HTML, no JavaScript needed)."""

from surveys.web.app import SurveyConfig, create_survey_app

__all__ = ["SurveyConfig", "create_survey_app"]
