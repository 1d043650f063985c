from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "enterprise", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "email"]}),
        (_("Role"), {"fields": ["role", "enterprise", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("Person"), {"fields": ["full_name", "phone", "email"]}),
        (_("Role"), {"fields": ["role", "enterprise"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        # Django's admin checks model-level permissions only; the rule also looks at the account being changed.
        return request.user.has_perm("accounts.change_user", obj)


# The admin site's login bounds username and password like the portal's own login page.
admin.site.login_form = AdminLoginForm
