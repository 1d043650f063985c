"""One access rule per model, from which both the queryset and the object check come.

Each model with row-level access declares ONE function `(user, action) -> Q | bool` with `@access_rule(Model,
actions=(...))`: True means every row, False none, a Q the rows the user may see ("view") or act on (a named
action such as "file_sampling"). From it:

- `Model.objects.restrict(user, action)` (the model's QuerySet derives from `RestrictedQuerySet`), and
  `visible_to(user)`, which is `restrict(user, "view")`: the one access path for reads;
- `object_rule(Model, action)`, a django-rules predicate true when the object is among those rows, for the
  object-level permissions in each app's `permissions.py`.

So the list a user gets and the object check they pass cannot drift apart (NetBox's `RestrictedQuerySet.restrict`
follows the same idea). Role-only rules ("only staff may plan a campaign") stay plain rules predicates.

An app above the model's own may widen a rule with `@access_grant(Model, action)` (an inspector reads the files of
the enterprises of their tasks: inspections grants it, so enterprises need not know about tasks). A grant is part
of the same definition: `restrict` and `object_rule` both see it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

AccessFunction = Callable[[Any, str], Q | bool]


@dataclass(frozen=True)
class AccessRule:
    """A model's access function and the actions it answers."""

    model: type[models.Model]
    function: AccessFunction
    actions: frozenset[str]


ACCESS_RULES: dict[type[models.Model], AccessRule] = {}
Grant = Callable[[Any], Q | bool]
ACCESS_GRANTS: dict[tuple[str, str], list[Grant]] = {}  # by (model label, action)


def access_rule(model: type[models.Model], *, actions: Iterable[str]) -> Callable[[AccessFunction], AccessFunction]:
    """Register `function(user, action)` as the one access definition of `model`, answering `actions`."""

    def register(function: AccessFunction) -> AccessFunction:
        if model in ACCESS_RULES:
            raise ImproperlyConfigured(f"{model.__name__} already has an access rule: one definition per model.")
        ACCESS_RULES[model] = AccessRule(model=model, function=function, actions=frozenset(actions))
        return function

    return register


def access_grant(model_label: str, action: str) -> Callable[[Grant], Grant]:
    """Register `grant(user)`, the rows of the model named `model_label` ("enterprises.Enterprise": the granting
    app sits above it and does not import its models) that `user` may also see or act on for `action`, beside
    the model's own rule (False for none). Idempotent; call at import time of the granting app's models."""

    def register(grant: Grant) -> Grant:
        grants = ACCESS_GRANTS.setdefault((model_label, action), [])
        if grant not in grants:
            grants.append(grant)
        return grant

    return register


def _with_grants(allowed: Q | bool, model: type[models.Model], user, action: str) -> Q | bool:
    for grant in ACCESS_GRANTS.get((model._meta.label, action), ()):
        if allowed is True:
            return True
        extra = grant(user)
        if extra is False:
            continue
        allowed = extra if allowed is False else allowed | extra
    return allowed


def constraint(model: type[models.Model], user, action: str) -> Q | bool:
    """The rows of `model` that `user` may see or act on for `action`: True for all, False for none, else a Q."""
    rule = ACCESS_RULES.get(model)
    if rule is None:
        raise ImproperlyConfigured(f"{model.__name__} has no access rule (declare one with core.access.access_rule).")
    if action not in rule.actions:
        # A misspelt action would otherwise answer "nobody" and hide the mistake.
        raise ValueError(f"{model.__name__}'s access rule has no action {action!r} (it has {sorted(rule.actions)}).")
    allowed = _with_grants(rule.function(user, action), model, user, action)
    if not isinstance(allowed, bool | Q):
        raise TypeError(f"{model.__name__}'s access rule returned {allowed!r}; expected a Q or a bool.")
    return allowed


def restrict(queryset: models.QuerySet, user, action: str = "view") -> models.QuerySet:
    """`queryset` narrowed to the rows `user` may see or act on for `action`."""
    allowed = constraint(queryset.model, user, action)
    if allowed is True:
        return queryset
    if allowed is False:
        return queryset.none()
    return queryset.filter(allowed)


class RestrictedQuerySet(models.QuerySet):
    """The base of a QuerySet whose model declares an access rule."""

    def restrict(self, user, action: str = "view") -> "RestrictedQuerySet":
        return restrict(self, user, action)

    def visible_to(self, user) -> "RestrictedQuerySet":
        """The rows `user` may read: the one access path for reads."""
        return self.restrict(user, "view")


def object_rule(model: type[models.Model], action: str, *, via: str | None = None) -> rules.Predicate:
    """A rules predicate: may the user do `action` to this object, i.e. is it among `restrict(user, action)`?

    No object answers False: combine with a role predicate (`staff | object_rule(...)`) where a rule must also
    answer without one (the admin's list pages ask so). With `via`, the object checked is the row's related
    object of that name (e.g. an enterprise for its credit grade): the rule's Q is restated on it, so the answer
    does not depend on such a row existing yet."""

    @rules.predicate(name=f"object_rule({model.__name__}, {action!r}{f', via={via!r}' if via else ''})")
    def predicate(user, obj) -> bool:
        if obj is None:
            return False
        allowed = constraint(model, user, action)
        if isinstance(allowed, bool):
            return allowed
        if via is None:
            return model._default_manager.filter(allowed, pk=obj.pk).exists()
        return type(obj)._default_manager.filter(_restated(allowed, model, via), pk=obj.pk).exists()

    return predicate


def _restated(q: Q, model: type[models.Model], via: str) -> Q:
    """`q`, written on `model`, restated on the related object `via`: `via_id`/`via` become `pk`, `via__x` `x`."""
    children = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_restated(child, model, via))
            continue
        if not isinstance(child, tuple):
            raise ImproperlyConfigured(f"{model.__name__}'s access rule uses an expression; it cannot take `via`.")
        lookup, value = child
        head, _, rest = lookup.partition("__")
        if head == f"{via}_id" or (head == via and not rest):
            lookup = f"pk__{rest}" if rest else "pk"  # the related object's own key
        elif head == via:
            lookup = rest  # a field of the related object
        else:
            raise ImproperlyConfigured(
                f"{model.__name__}'s access rule uses {lookup!r}, which cannot be checked on its {via!r}."
            )
        children.append((lookup, value))
    return Q.create(children, connector=q.connector, negated=q.negated)
