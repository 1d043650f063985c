from django.urls import path

from credit.views import blacklist, grades, monitoring, overrides, scoring

app_name = "credit"
urlpatterns = [
    path("credit/", grades.overview, name="overview"),
    path("credit/mine/", grades.my_grade, name="mine"),
    path("credit/enterprises/<int:pk>/history/", grades.grade_history, name="history"),
    path("credit/enterprises/<int:pk>/recalculate/", grades.recalculate_now, name="recalculate"),
    path("credit/enterprises/<int:pk>/override/", overrides.override_request, name="override_request"),
    path("credit/overrides/", overrides.override_list, name="overrides"),
    path("credit/overrides/<int:pk>/", overrides.override_detail, name="override"),
    path("credit/model/", scoring.model_index, name="model_index"),
    path("credit/model/new/", scoring.model_create, name="model_create"),
    path("credit/model/<int:version>/", scoring.model_detail, name="model"),
    path("credit/blacklist/", blacklist.blacklist_index, name="blacklist"),
    path("credit/blacklist/new/", blacklist.blacklist_create, name="blacklist_create"),
    path("credit/blacklist/mine/", blacklist.my_listings, name="blacklist_mine"),
    path("credit/blacklist/grounds/", blacklist.ground_list, name="blacklist_grounds"),
    path("credit/blacklist/grounds/new/", blacklist.ground_edit, name="blacklist_ground_create"),
    path("credit/blacklist/grounds/<int:pk>/", blacklist.ground_edit, name="blacklist_ground_edit"),
    path("credit/blacklist/<int:pk>/", blacklist.blacklist_entry, name="blacklist_entry"),
    path(
        "credit/blacklist/<int:pk>/attachments/<int:attachment_pk>/",
        blacklist.repair_attachment,
        name="repair_attachment",
    ),
    path("credit/warnings/", monitoring.warning_list, name="warnings"),
    path("credit/warnings/<int:pk>/acknowledge/", monitoring.warning_acknowledge, name="warning_acknowledge"),
    path("credit/runs/", monitoring.run_list, name="runs"),
    path("credit/runs/now/", monitoring.run_now, name="run_now"),
]
