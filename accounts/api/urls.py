from django.urls import path

from accounts.api import views

urlpatterns = [
    path("me/", views.CurrentUserView.as_view(), name="current-user"),
    path("auth/token/", views.ObtainTokenView.as_view(), name="obtain-token"),
]
