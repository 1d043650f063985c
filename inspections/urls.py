from django.urls import path

from inspections.views import campaigns, followups, notices, public, results, tasks

app_name = "inspections"
urlpatterns = [
    path("spot-checks/", campaigns.campaign_list, name="campaigns"),
    path("spot-checks/new/", campaigns.campaign_create, name="campaign_create"),
    path("spot-checks/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("spot-checks/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("spot-checks/<int:pk>/items/new/", campaigns.test_item_create, name="item_create"),
    path("spot-checks/<int:pk>/items/<int:item_pk>/remove/", campaigns.test_item_remove, name="item_remove"),
    path("spot-checks/<int:pk>/referrals/", campaigns.referral_add, name="referral_add"),
    path(
        "spot-checks/<int:pk>/redraw-requests/<int:request_pk>/decide/",
        campaigns.redraw_decide,
        name="redraw_decide",
    ),
    path("spot-checks/<int:pk>/<slug:action>/", campaigns.campaign_action, name="campaign_action"),
    path("tasks/", tasks.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/sampling/", tasks.sampling_create, name="sampling"),
    path("tasks/<int:pk>/photos/<int:photo_pk>/", tasks.photo_download, name="photo"),
    path("conflicts/", tasks.conflicts, name="conflicts"),
    path("conflicts/<int:pk>/withdraw/", tasks.conflict_withdraw, name="conflict_withdraw"),
    path("lab/", results.lab_worklist, name="lab"),
    path("results/review/", results.review_list, name="review"),
    path("results/mine/", results.my_results, name="my_results"),
    path("draws/mine/", public.my_draws, name="my_draws"),
    path("notices/", notices.notices_unopened, name="notices_unopened"),
    path("results/<int:pk>/serve-on-paper/", notices.result_serve_on_paper, name="result_serve_on_paper"),
    path("follow-ups/<int:pk>/serve-on-paper/", notices.follow_up_serve_on_paper, name="follow_up_serve_on_paper"),
    path("results/<int:pk>/", results.result_detail, name="result"),
    path("results/<int:pk>/review/", results.result_review, name="result_review"),
    path("results/<int:pk>/<slug:action>/", results.result_action, name="result_action"),
    path("published/<int:pk>/reply/", results.publication_reply, name="publication_reply"),
    path("follow-ups/", followups.follow_up_index, name="follow_ups"),
    path("follow-ups/<int:pk>/", followups.follow_up_detail, name="follow_up"),
    path("follow-ups/<int:pk>/report/", followups.rectification_submit, name="rectification"),
    path("follow-ups/<int:pk>/recheck/", followups.recheck_order, name="recheck_order"),
    path("follow-ups/<int:pk>/attachments/<int:attachment_pk>/", followups.attachment_download, name="attachment"),
    path("deadlines/", followups.deadlines, name="deadlines"),
    # Public pages: no login.
    path("public/spot-checks/", public.campaign_index, name="public_campaigns"),
    path("public/spot-checks/<int:pk>/", public.campaign_results, name="public_campaign"),
    path("public/draws/algorithm.py", public.draw_algorithm, name="public_draw_algorithm"),
    path("public/draws/<int:pk>/", public.draw_detail, name="public_draw"),
    path("public/draws/<int:pk>/bundle.json", public.draw_bundle, name="public_draw_bundle"),
]
