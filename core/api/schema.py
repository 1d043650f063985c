"""Schema post-processing: the schema states what the API enforces."""

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
