from django.urls import path, register_converter
from lti_tool.views import jwks

from quizzes import lti, teaching, views
from quizzes.forms import positive_int


class IdConverter:
    """An id or number in a path: ASCII digits from 1 to MAX_ID, so a larger one is a 404 before any query."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = positive_int(value)
        if number is None:
            raise ValueError(value)  # Django tries the next pattern, and then answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("banks/<slug:slug>/start/", views.start, name="start"),
    path("attempts/<id:pk>/questions/<id:number>/", views.question, name="question"),
    path("attempts/<id:pk>/questions/<id:number>/answer/", views.answer, name="answer"),
    path("attempts/<id:pk>/results/", views.results, name="results"),
    path("attempts/<id:pk>/review/", views.review, name="review"),
    path("attempts/<id:pk>/submit/", views.submit_exam, name="submit_exam"),
    path("practice/", views.build, name="build"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<slug:slug>/start/", views.start_case, name="start_case"),
    path("practice/mistakes/", views.practise_mistakes, name="practise_mistakes"),
    path("review/", views.review_due, name="review_due"),
    path("questions/<id:pk>/flag/", views.toggle_flag, name="toggle_flag"),
    path("check/", views.check, name="check"),
    path("check/<slug:slug>/start/", views.start_check, name="start_check"),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data.json", views.my_data, name="my_data"),
    path("profile/delete/", views.delete_account, name="delete_account"),
    path("join/", views.join_with_code, name="join_with_code"),
    path("join/<str:code>/", views.join, name="join"),
    path("assignments/<id:pk>/start/", views.start_assignment, name="start_assignment"),
    path("questions/<id:pk>/report/", views.report_question, name="report_question"),
    path("teach/", teaching.teach_home, name="teach"),
    path("teach/cohorts/new/", teaching.cohort_form, name="cohort_new"),
    path("teach/cohorts/<id:pk>/edit/", teaching.cohort_form, name="cohort_edit"),
    path("teach/assignments/new/", teaching.assignment_form, name="assignment_new"),
    path("teach/assignments/<id:pk>/edit/", teaching.assignment_form, name="assignment_edit"),
    path("teach/cohorts/<id:pk>/", teaching.gradebook, name="gradebook"),
    path("teach/cohorts/<id:pk>/gradebook.csv", teaching.gradebook_csv, name="gradebook_csv"),
    path("teach/cohorts/<id:pk>/roster/", teaching.roster_sync, name="roster_sync"),
    path("teach/cohorts/<id:pk>/learners/<id:user_pk>/", teaching.learner_detail, name="learner_detail"),
    path("teach/items/", teaching.item_analysis, name="item_analysis"),
    path("teach/reports/", teaching.reports, name="teach_reports"),
    path("teach/questions/<id:pk>/preview/", teaching.preview, name="preview"),
    path("teach/passages/<id:pk>.json", teaching.passage_json, name="passage_json"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path("sources/<slug:slug>/<slug:key>/practice/", views.practise_passage, name="practise_passage"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/welcome/", views.after_login, name="after_login"),
    path("progress/", views.progress, name="progress"),
    # LTI 1.3: the three URLs an LMS registers (manage.py lti_register prints them)
    path("lti/login/", lti.login_init, name="lti_login"),
    path("lti/login/<uuid:registration_uuid>/", lti.login_init, name="lti_login"),
    path("lti/launch/", lti.launch, name="lti_launch"),
    path("lti/jwks.json", jwks, name="lti_jwks"),
    path("lti/pick/", lti.pick, name="lti_pick"),
]
