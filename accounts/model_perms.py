"""Registering Django-admin model permissions as rules: the helper every app's `permissions.py` uses."""

from collections.abc import Iterable

import rules
from rules.predicates import Predicate


def grant_model_perms(app_label: str, model_names: Iterable[str], actions: Iterable[str], predicate: Predicate) -> None:
    """Register Django-admin model permissions (`app.view_model`, ...) and the app's module permission."""
    if not rules.perm_exists(app_label):
        rules.add_perm(app_label, predicate)
    for model_name in model_names:
        for action in actions:
            rules.add_perm(f"{app_label}.{action}_{model_name}", predicate)
