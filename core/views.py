from django.shortcuts import render
from django.utils import timezone

from core.decorators import rule_required
from core.home import HOME_PAGES


@rule_required("core.view_home")
def home(request):
    template_name, build_context = HOME_PAGES[request.user.role]
    today = timezone.localdate()
    return render(request, template_name, {"today": today, **build_context(request.user, today)})
