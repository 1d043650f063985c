"""The API's parsers: DRF's, with every piece of text in the body checked against core.hygiene before any
serializer sees it. A lone surrogate or a text over TEXT_MAX_LENGTH is a 400 naming its field (the body's shape:
`{"fields": {"reason": [...]}}`, a list's items by index), never a 500 from the database.

They are the default (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]); a view that names its own parsers takes them from
here (a test checks every API view)."""

from rest_framework import parsers, serializers
from rest_framework.settings import api_settings

from core.hygiene import data_errors


def _checked(data) -> None:
    if hasattr(data, "lists"):  # a form body: each field's values
        errors = {}
        for key, values in data.lists():
            problem = data_errors({key: values})
            if problem:
                ((name, value_errors),) = problem.items()
                errors[name] = next(iter(value_errors.values())) if isinstance(value_errors, dict) else value_errors
    else:
        errors = data_errors(data)
        if errors and not isinstance(data, dict):
            errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
    if errors:
        raise serializers.ValidationError(errors, code="invalid")


class HygieneParser:
    """Mixin: check the parsed body (and a multipart body's fields, not its files)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _checked(parsed.data if isinstance(parsed, parsers.DataAndFiles) else parsed)
        return parsed


class JSONParser(HygieneParser, parsers.JSONParser):
    pass


class FormParser(HygieneParser, parsers.FormParser):
    pass


class MultiPartParser(HygieneParser, parsers.MultiPartParser):
    pass


PARSERS = (JSONParser, FormParser, MultiPartParser)
