"""Complaints and tips: the bureau's pages under /complaints/, and the public's (no login) under /public/."""

from django.urls import path

from complaints.views import public, staff

app_name = "complaints"
urlpatterns = [
    path("complaints/", staff.complaint_list, name="list"),
    path("complaints/<int:pk>/", staff.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/photos/<int:photo_pk>/", staff.complaint_photo, name="photo"),
    path("complaints/nominations/", staff.nomination_list, name="nominations"),
    # Public pages: no login.
    path("public/complaints/new/", public.complaint_new, name="new"),
    path("public/complaints/received/", public.complaint_filed, name="filed"),
    path("public/complaints/track/", public.track, name="track"),
    path("public/complaints/track/<str:number>/", public.track_status, name="track_status"),
    path("public/complaints/reward/", public.reward_claim, name="reward_claim"),
    path("public/nominations/", public.nominations, name="nominate"),
]
