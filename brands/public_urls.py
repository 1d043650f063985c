"""Public pages of brand cultivation (no login): published notices with the objection form (the portal lists the
honours in force); and the honour certificate, which is not public but is served from here with its own access
check."""

from django.urls import path

from brands.views import certificate, public

app_name = "brands_public"
urlpatterns = [
    path("public/notices/", public.notice_list, name="notices"),
    path("public/notices/<int:pk>/", public.notice_detail, name="notice"),
    path("public/notices/<int:pk>/objection-filed/", public.objection_filed, name="objection_filed"),
    # Login required: the holder's own users and the bureau's staff (see brands.views.certificate).
    path("brands/honours/<int:pk>/certificate.pdf", certificate.honour_certificate, name="certificate"),
]
