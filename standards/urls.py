app_name = "standards"
urlpatterns: list = []
