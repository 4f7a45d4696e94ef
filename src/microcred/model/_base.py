"""Shared pieces of the micro-credential model: the pydantic base class and string types.

JSON input is camelCase (`dateOfIssuing`), Python attributes are snake_case; models are
frozen and refuse unknown fields. Constructing a part directly raises `InvalidMicroCredential`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic.functional_validators import AfterValidator
from pydantic_core import ErrorDetails, PydanticCustomError

from microcred.errors import FieldError, InvalidMicroCredential

__all__ = [
    "IRI_PATTERN",
    "AbsoluteIRI",
    "Distinct",
    "Email",
    "ModelPart",
    "Timestamp",
    "WebAddress",
    "field_errors",
    "matching",
    "need_one_of",
    "shown",
]

IRI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$"
_WEB_PATTERN = r"^https?://[^\s<>\"{}|\\^`/]+(?:/[^\s<>\"{}|\\^`]*)?$"
_EMAIL_PATTERN = r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$"


def shown(value: str) -> str:
    """`value` for an error message: a lone surrogate (which pydantic cannot encode in its
    error) written as its escape."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def matching(pattern: str, code: str, what: str) -> AfterValidator:
    """A validator that accepts only strings matching `pattern`, else error `code`."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError(
                code, "'{value}' is not {what}", {"value": shown(value), "what": what}
            )
        return value

    return AfterValidator(check)


AbsoluteIRI = Annotated[
    str,
    matching(IRI_PATTERN, "invalid_iri", "an absolute IRI (e.g. a DID or a URL)"),
    WithJsonSchema({"type": "string", "pattern": IRI_PATTERN}),
]
"""An absolute IRI: a scheme, a colon, no white space (`did:key:z6Mk...`, `urn:uuid:...`)."""

WebAddress = Annotated[
    str,
    matching(_WEB_PATTERN, "invalid_url", "an http(s) URL"),
    WithJsonSchema({"type": "string", "pattern": _WEB_PATTERN}),
]
"""An http or https URL, kept exactly as given."""

Email = Annotated[
    str,
    matching(_EMAIL_PATTERN, "invalid_email", "an e-mail address"),
    WithJsonSchema({"type": "string", "pattern": _EMAIL_PATTERN}),
]
"""An e-mail address; the credential carries it as a `mailto:` IRI."""


def _distinct(items: tuple[Any, ...]) -> tuple[Any, ...]:
    seen: list[Any] = []
    for index, item in enumerate(items):
        if item in seen:
            raise PydanticCustomError(
                "not_unique", "item {index} repeats an earlier one", {"index": index}
            )
        seen.append(item)
    return items


Distinct = AfterValidator(_distinct)
"""For tuples that are sets (modes, skills, levels, languages, ...): a credential states each
IRI once, as its RDF graph can hold it only once."""


def _xsd_time_zone(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None or offset.total_seconds() % 60 or abs(offset) > timedelta(hours=14):
        raise PydanticCustomError(
            "invalid_time_zone", "a time zone offset must be whole minutes within +/-14:00"
        )
    return value


Timestamp = Annotated[AwareDatetime, AfterValidator(_xsd_time_zone)]
"""A date and time with a time zone that xsd:dateTimeStamp can write (VC 2.0 §4.6)."""


def field_errors(error: ValidationError) -> list[FieldError]:
    """pydantic's errors as (JSON path, code, message), the path in input (camelCase) names."""
    return [_field_error(detail) for detail in error.errors(include_url=False)]


def _field_error(detail: ErrorDetails) -> FieldError:
    """One error in our words (pydantic's type stays the code); our own messages pass as is."""
    path = tuple(p for p in detail["loc"] if isinstance(p, int) or not p.startswith("["))
    reword = _MESSAGES.get(detail["type"])
    message = reword(detail) if reword is not None else detail["msg"]
    return FieldError(path, detail["type"], message)


_KINDS = {str: "a string", int: "a number", float: "a number", bool: "true/false"}


def _kind(value: Any) -> str:
    """What a JSON value is, for a message: "a string", "an array", "null", ..."""
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return _KINDS.get(type(value), f"a {type(value).__name__}")


def _too_short(detail: ErrorDetails) -> str:
    context = detail.get("ctx") or {}
    least = context.get("min_length", 1)
    empty = "; this list is empty" if context.get("actual_length") == 0 else ""
    return f"needs at least {least} entr{'y' if least == 1 else 'ies'}{empty}"


_MESSAGES: dict[str, Any] = {
    "missing": lambda d: "required, but missing (see docs/microcredential.schema.json)",
    "extra_forbidden": lambda d: (
        "not an element of the micro-credential input (see docs/microcredential.schema.json)"
    ),
    "dict_type": lambda d: f"must be a JSON object, got {_kind(d['input'])}",
    "model_type": lambda d: f"must be a JSON object, got {_kind(d['input'])}",
    "list_type": lambda d: f"must be an array, got {_kind(d['input'])}",
    "tuple_type": lambda d: f"must be an array, got {_kind(d['input'])}",
    "string_type": lambda d: f"must be a string, got {_kind(d['input'])}",
    "bool_type": lambda d: f"must be true or false, got {_kind(d['input'])}",
    "too_short": _too_short,
}
"""Our message for a pydantic error type; `FieldError.code` keeps pydantic's type."""


class ModelPart(BaseModel):
    """Base of every model class: frozen, closed, camelCase JSON, microcred errors."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )

    if not TYPE_CHECKING:  # keep pydantic's typed __init__ signature for type checkers

        def __init__(self, /, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as error:
                raise InvalidMicroCredential(field_errors(error)) from None

        # Like pydantic's RootModel: mark this __init__ as the base one, so validating a
        # nested part does not call it (errors then collect at the outermost model).
        __init__.__pydantic_base_init__ = True


def need_one_of(paths: Sequence[str], message: str, code: str) -> PydanticCustomError:
    """An error for a rule that needs at least one of several fields."""
    return PydanticCustomError(code, message + " (one of: {fields})", {"fields": ", ".join(paths)})
