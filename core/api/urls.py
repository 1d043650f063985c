from django.urls import path

from core.api.inbox import InboxView

urlpatterns = [
    path("inbox/", InboxView.as_view(), name="inbox"),
]
