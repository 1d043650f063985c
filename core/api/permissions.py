from rest_framework.permissions import BasePermission


class ActionPermission(BasePermission):
    """Check the permission rule that the view names for its action in `action_permissions`.

    List and create actions are checked against the rule as a whole; detail actions against the object.
    An action without a rule is refused, so a new endpoint stays closed until someone decides who may use it.
    """

    def _rule(self, view) -> str | None:
        action = getattr(view, "action", None) or view.request.method.lower()
        return getattr(view, "action_permissions", {}).get(action)

    def has_permission(self, request, view) -> bool:
        if hasattr(view, "action") and view.action is None:
            return True  # a method the viewset does not route: let DRF answer 405 Method Not Allowed
        rule = self._rule(view)
        if not rule or not request.user.is_authenticated:
            return False
        if getattr(view, "detail", False):
            return True  # decided per object in has_object_permission
        return request.user.has_perm(rule)

    def has_object_permission(self, request, view, obj) -> bool:
        rule = self._rule(view)
        # A view can check the rule against another object, e.g. a product's enterprise.
        target = view.get_permission_object(obj) if hasattr(view, "get_permission_object") else obj
        return bool(rule and request.user.has_perm(rule, target))
