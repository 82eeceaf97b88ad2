from django.urls import path

from quizzes import views

urlpatterns = [
    path("", views.home, name="home"),
    path("banks/<slug:slug>/start/", views.start, name="start"),
    path("attempts/<int:pk>/questions/<int:number>/", views.question, name="question"),
    path("attempts/<int:pk>/questions/<int:number>/answer/", views.answer, name="answer"),
    path("attempts/<int:pk>/results/", views.results, name="results"),
    path("attempts/<int:pk>/review/", views.review, name="review"),
    path("attempts/<int:pk>/submit/", views.submit_exam, name="submit_exam"),
    path("practice/", views.build, name="build"),
    path("practice/mistakes/", views.practise_mistakes, name="practise_mistakes"),
    path("review/", views.review_due, name="review_due"),
    path("questions/<int:pk>/flag/", views.toggle_flag, name="toggle_flag"),
    path("check/", views.check, name="check"),
    path("check/<slug:slug>/start/", views.start_check, name="start_check"),
    path("profile/", views.profile, name="profile"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path("sources/<slug:slug>/<slug:key>/practice/", views.practise_passage, name="practise_passage"),
    path("accounts/signup/", views.signup, name="signup"),
    path("progress/", views.progress, name="progress"),
]
