from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("follow/<str:label>/<int:pk>/", views.follow_view, name="follow"),
]
