app_name = "metrology"
urlpatterns: list = []
