"""Input hygiene: text the portal can store, of a length it will keep.

Two rules hold for every piece of text a user sends, whatever the field:

- It must be encodable as UTF-8. JSON can carry a lone surrogate ("\\ud800"), which Python decodes happily and
  PostgreSQL refuses to store (a UnicodeEncodeError, i.e. a 500). Form posts cannot carry one: Django decodes them
  with replacement characters.
- It is at most TEXT_MAX_LENGTH characters (10 000) unless its field has a smaller bound of its own: free text
  (a reason, a note, findings, a statement) is pages, not a dump. A field with a database column of its own length
  keeps that bound (the ModelSerializer and ModelForm fields carry it).

The API applies both to every request body in its parsers (core.api.parsers), before any serializer sees it, and
answers a 400 naming the field; the published schema states the bound (core.api.schema). Forms use
`validate_encodable` and the bounds of their fields (core.forms.FreeTextField for free text), services that take
text without a form check it with `text_within`; the login forms bound username and password (accounts.forms).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 10_000

UNENCODABLE = _("This text contains a character that cannot be stored (an unpaired surrogate); please retype it.")
TOO_LONG = _("At most %(limit)d characters (this text has %(length)d).")


def is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate_encodable(value: Any) -> None:
    """Validator: the text can be stored (no unpaired surrogate)."""
    if isinstance(value, str) and not is_encodable(value):
        raise ValidationError(UNENCODABLE, code="unencodable")


def printable(text: str) -> str:
    """`text` made safe to echo back (an unpaired surrogate written as \\udXXX)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def text_problem(text: str, *, max_length: int = TEXT_MAX_LENGTH) -> str | None:
    """What is wrong with one piece of text, as a message for its field, or None."""
    if not is_encodable(text):
        return str(UNENCODABLE)
    if len(text) > max_length:
        return str(TOO_LONG % {"limit": max_length, "length": len(text)})
    return None


def text_within(text: str, *, field: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    """For a service that takes text straight from a request: `text` stripped, or a ValidationError naming `field`
    when it is too long for where it is kept (a column's `max_length`, else TEXT_MAX_LENGTH) or cannot be stored."""
    problem = text_problem(text, max_length=max_length)
    if problem:
        raise ValidationError({field: problem}, code="invalid")
    return text.strip()


def data_errors(data: Any, *, max_length: int = TEXT_MAX_LENGTH) -> Any:
    """The problems with every piece of text in parsed request data (dicts, lists, strings, as JSON gives them),
    shaped like the data (a dict of field errors, a list's by index), or None when there are none. A field name
    that is itself bad text is reported under its printable form."""
    if isinstance(data, str):
        problem = text_problem(data, max_length=max_length)
        return [problem] if problem else None
    if isinstance(data, dict):
        errors = {}
        for key, value in data.items():
            key_text = key if isinstance(key, str) else str(key)
            problem = data_errors(value, max_length=max_length)
            if not is_encodable(key_text):
                problem = [str(UNENCODABLE)]
            if problem:
                errors[printable(key_text)] = problem
        return errors or None
    if isinstance(data, list | tuple):
        errors = {
            index: problem for index, item in enumerate(data) if (problem := data_errors(item, max_length=max_length))
        }
        return errors or None
    return None
