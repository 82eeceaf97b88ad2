from django.urls import path

from quizzes import views

urlpatterns = [
    path("", views.home, name="home"),
    path("banks/<slug:slug>/start/", views.start, name="start"),
    path("attempts/<int:pk>/questions/<int:number>/", views.question, name="question"),
    path("attempts/<int:pk>/questions/<int:number>/answer/", views.answer, name="answer"),
    path("attempts/<int:pk>/results/", views.results, name="results"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path("sources/<slug:slug>/<slug:key>/practice/", views.practise_passage, name="practise_passage"),
    path("accounts/signup/", views.signup, name="signup"),
    path("progress/", views.progress, name="progress"),
]
