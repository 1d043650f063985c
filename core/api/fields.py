"""API fields shared by the apps."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from rest_framework import serializers

from core.credit_code import normalise_credit_code, validate_credit_code


class NamedEnumField(serializers.ChoiceField):
    """A choice among one of an app's TextChoices, shown in the schema as one enum named after the app and the
    choices (`enum_prefix` + class name + "Enum", e.g. BrandApplicationStatusEnum), wherever it is used: the same
    name ("status", "kind") over different sets in several components would otherwise leave drf-spectacular
    guessing names (and warning). With `allow_null`, a blank value reads as null."""

    enum_prefix = ""

    def __init__(self, choices_class, **kwargs):
        self.choices_class = choices_class
        super().__init__(choices=choices_class.choices, **kwargs)

    def to_representation(self, value):
        if value == "" and self.allow_null:
            return None
        return super().to_representation(value)


class NamedEnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedEnumField
    match_subclasses = True

    def get_name(self) -> str:
        prefix = self.target.enum_prefix
        return f"{prefix}{self.target.choices_class.__name__.removeprefix(prefix)}Enum"

    def map_serializer_field(self, auto_schema, direction) -> dict:
        choices = self.target.choices_class
        description = build_choice_description_list(choices.choices)
        return {"type": "string", "enum": list(choices.values), "description": description}


class CreditCodeField(serializers.CharField):
    """A unified social credit code in a request: read through `normalise_credit_code` (full-width, spaces, case)
    exactly as the staff forms, the import and the searches read it, then checked (GB 32100)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)  # room for full-width characters and spaces before normalising
        super().__init__(**kwargs)
        self.validators.append(validate_credit_code)

    def to_internal_value(self, data):
        return normalise_credit_code(super().to_internal_value(data))
