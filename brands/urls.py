from django.urls import path

from brands.views import applications, honours, mine, programmes, reviews, targets

app_name = "brands"
urlpatterns = [
    path("brands/", programmes.programme_list, name="programmes"),
    path("brands/programmes/new/", programmes.programme_create, name="programme_create"),
    path("brands/programmes/<int:pk>/", programmes.programme_detail, name="programme"),
    path("brands/programmes/<int:pk>/apply/", applications.apply, name="apply"),
    path("brands/applications/<int:pk>/", applications.application_detail, name="application"),
    path(
        "brands/applications/<int:pk>/attachments/<int:attachment_pk>/",
        applications.attachment,
        name="attachment",
    ),
    path("brands/targets/", targets.target_list, name="targets"),
    path("brands/targets/new/", targets.target_create, name="target_create"),
    path("brands/targets/<int:pk>/", targets.target_detail, name="target"),
    path("brands/targets/<int:pk>/edit/", targets.target_edit, name="target_edit"),
    path("brands/mine/", mine.mine, name="mine"),
    path("brands/reviews/", reviews.review_list, name="reviews"),
    path("brands/reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("brands/honours/", honours.honour_list, name="honours"),
    path("brands/honours/<int:pk>/", honours.honour_detail, name="honour"),
    path("brands/revocations/", honours.proposal_list, name="proposals"),
    path("brands/revocations/<int:pk>/", honours.proposal_detail, name="proposal"),
]
