"""Schema post-processing: the schema states what the API enforces."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from core.hygiene import TEXT_MAX_LENGTH

# String formats that are parsed, not kept as text: their own parsing bounds them.
_PARSED_FORMATS = {"binary", "date", "date-time", "time", "uuid", "decimal", "duration", "ipv4", "ipv6"}


def _bound(node: dict) -> None:
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and "enum" not in node and node.get("format") not in _PARSED_FORMATS:
        node.setdefault("maxLength", TEXT_MAX_LENGTH)
    for key in ("items", "additionalProperties"):
        _bound(node.get(key))
    for prop in node.get("properties", {}).values():
        _bound(prop)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in node.get(key, []):
            _bound(part)


def bound_request_text(result, generator, request, public):
    """drf-spectacular hook: every text a request body takes is at most TEXT_MAX_LENGTH characters unless its
    field says less (the parsers enforce it: core.api.parsers), so the request components say so."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _bound(component)
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict):
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _bound(content.get("schema"))
    return result


def overlapping_shapes_any_of(result, generator, request, public):
    """drf-spectacular hook: a choice among object shapes without a discriminator (a PolymorphicProxySerializer
    rendering a record differently by who asks) is `anyOf`: the shapes share fields, so a response may match more
    than one, which `oneOf` forbids."""
    schemas = result.get("components", {}).get("schemas", {})

    def is_object_ref(node) -> bool:
        ref = node.get("$ref", "") if isinstance(node, dict) else ""
        return bool(ref) and schemas.get(ref.rsplit("/", 1)[-1], {}).get("type") == "object"

    for component in schemas.values():
        alternatives = component.get("oneOf")
        if alternatives and "discriminator" not in component and all(is_object_ref(node) for node in alternatives):
            component["anyOf"] = component.pop("oneOf")
    return result


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with three rules that make the responses' schema say what the serializers
    really answer:

    - a read-only choice whose model field may be blank may answer "" (DRF drops `allow_blank` from read-only
      model fields, so the enum would not list it);
    - a read-only field declared with `default=None` answers null when its source is missing (e.g. the enterprise
      name of a user without an enterprise);
    - a read-only field declared `required=False` may be absent (e.g. staff-only parts of a record)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and isinstance(field, serializers.ChoiceField) and _model_field_blank(field):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if isinstance(field, serializers.Field) and field.read_only and field.default is None:
            meta["nullable"] = True
        return meta

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        fields = force_instance(serializer).fields
        optional = {
            name for name, field in fields.items() if field.read_only and field._kwargs.get("required") is False
        }
        if optional and result.get("required"):
            result["required"] = [name for name in result["required"] if name not in optional]
            if not result["required"]:
                del result["required"]
        return result


def _model_field_blank(field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False
