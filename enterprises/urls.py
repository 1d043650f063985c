from django.urls import include, path

from enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.own_enterprise, name="own"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("", include("enterprises.transfer_urls")),
]
