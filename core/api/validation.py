"""Checking a request body with a serializer: a 400 with the field errors, or the checked values."""


def checked(serializer_class, request, **kwargs):
    """The serializer, once `request.data` has passed it (raises the 400 otherwise)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


def valid_body(serializer_class, request, **kwargs) -> dict:
    """The request body checked by `serializer_class`."""
    return checked(serializer_class, request, **kwargs).validated_data
