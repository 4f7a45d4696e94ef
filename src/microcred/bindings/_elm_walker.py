"""Path-aware walking of an ELM credential's compact JSON-LD tree, for the binding readers.

Values may be single or arrays, nodes embedded or referenced by id. A `Dialect` says how the
credential spells the few terms that differ (our VC 2.0 context vs Europass `edc-ap`) and
whether to tolerate EDC variations. The reader records where each model field was read
(`origins`), so `relocate` can name the place in the credential of a model validation
error. Also the value conversions the readers share (durations, birth dates).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from microcred.errors import FieldError, InvalidMicroCredential, Path

__all__ = [
    "Dialect",
    "Input",
    "Origins",
    "Reader",
    "birth_date",
    "drop_none",
    "duration_hours",
    "fail",
    "many",
    "relocate",
]

Input = dict[str, Any]
Node = Mapping[str, Any]
Origins = Mapping[Path, Path]
"""Model JSON path -> where the credential holds that field."""

_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
# xsd:duration (XSD 1.1 §3.3.6) plus ISO 8601's weeks (PnW), which some EDC tools write.
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one kind of ELM credential spells what the readers look for."""

    contexts: frozenset[str]
    """Context IRIs of which the credential must list one."""
    description: str
    """The term for dc:description."""
    national_id: tuple[str, ...]
    """Terms for elm:nationalId, in order of preference."""
    tolerant: bool
    """Accept what EDCs written by other tools do: organisations with several locations
    (the first counts, as EDC's sealing step appends the seal certificate's country),
    language maps with arrays (the first text counts), local-midnight birth dates, and
    titles that only repeat a concept's label (read as no title)."""


def fail(path: Path, message: str) -> InvalidMicroCredential:
    """A structural problem of the credential at `path`."""
    return InvalidMicroCredential([FieldError(path, "malformed_credential", message)])


def many(value: Any) -> list[Any]:
    """A JSON-LD value as a list: absent is empty, a single value is one item."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def drop_none(fields: Input) -> Input:
    """The fields that have a value (None and empty lists are left out)."""
    return {key: value for key, value in fields.items() if value not in (None, [])}


def duration_hours(duration: Any, path: Path) -> str:
    """An xsd:duration as a number of hours (a week is 7 days, a day 24 hours).

    Raises `InvalidMicroCredential`: `malformed_credential` for what is not an xsd:duration,
    `calendar_duration` for years or months, whose length in hours depends on the calendar
    (`P2M` is a valid duration of two months, not a workload in hours)."""
    match = _DURATION.fullmatch(duration) if isinstance(duration, str) else None
    if match is None or not any(match.groups()) or duration.endswith("T"):
        raise fail(path, f"{duration!r} is not an xsd:duration (e.g. PT60H, P3D, P2M)")
    years, months, weeks, days, hours, minutes, seconds = (Decimal(g or 0) for g in match.groups())
    if years or months:
        raise InvalidMicroCredential(
            [
                FieldError(
                    path,
                    "calendar_duration",
                    f"{duration!r} counts years or months, which are no fixed number of hours",
                )
            ]
        )
    total = (weeks * 7 + days) * 24 + hours + minutes / 60 + seconds / 3600
    return format(total.normalize(), "f")


def birth_date(value: Any, tolerant: bool) -> Any:
    """ELM's xsd:dateTime birth date as a calendar date.

    EDC tools write local midnight in UTC (`1999-10-01T22:00:00Z` for 2 October in CEST):
    tolerant reading takes the date of the instant plus 12 hours, which recovers the local
    date for any offset in (-12:00, +12:00] and leaves midnight UTC on its own date.
    """
    if not isinstance(value, str):
        return value
    if tolerant:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        offset = moment.utcoffset()
        if offset is not None:
            return (moment - offset + timedelta(hours=12)).date().isoformat()
    return value[:10]


def relocate(error: InvalidMicroCredential, origins: Origins) -> InvalidMicroCredential:
    """The same errors with each model path replaced by where the credential holds it.

    The longest recorded model-path prefix decides; the rest of the path is kept, and the
    message names the model field (`qualityAssurance: Field required`).
    """

    def moved(item: FieldError) -> FieldError:
        for cut in range(len(item.path), -1, -1):
            at = origins.get(item.path[:cut])
            if at is not None:
                field = ".".join(str(p) for p in item.path) or "credential"
                return FieldError((*at, *item.path[cut:]), item.code, f"{field}: {item.message}")
        return item

    return InvalidMicroCredential([moved(item) for item in error.errors])


def _nodes_by_id(value: Any, found: dict[str, Node]) -> None:
    """Index every embedded node that carries more than its id (for id references)."""
    if isinstance(value, Mapping):
        if isinstance(value.get("id"), str) and len(value) > 1:
            found.setdefault(value["id"], value)
        for item in value.values():
            _nodes_by_id(item, found)
    elif isinstance(value, list):
        for item in value:
            _nodes_by_id(item, found)


class Reader:
    """Access to the credential's nodes with JSON paths; remembers model field origins.

    A strict reader raises at the first structural problem; a `lenient` one records it in
    `problems` and reads on (a missing or broken node reads as an empty one)."""

    def __init__(
        self, credential: Mapping[str, Any], dialect: Dialect, *, lenient: bool = False
    ) -> None:
        self.dialect = dialect
        self.lenient = lenient
        self.problems: list[FieldError] = []
        self.index: dict[str, Node] = {}
        _nodes_by_id(credential, self.index)
        self.base = f"{credential.get('id')}#"
        self.origins: dict[Path, Path] = {}

    def problem(self, error: InvalidMicroCredential) -> None:
        """Raise `error` (strict), or record its items and go on (lenient)."""
        if not self.lenient:
            raise error
        self.problems.extend(error.errors)

    def record(self, model: Path, at: Path, fields: Mapping[str, tuple[str | Path, Any]]) -> Input:
        """Model fields from the node at `at`: {model key: (term or full path, value)}.

        Remembers where each field came from and drops the fields without a value.
        """
        for key, (where, _value) in fields.items():
            self.origins[(*model, key)] = (*at, where) if isinstance(where, str) else where
        return drop_none({key: value for key, (_where, value) in fields.items()})

    def node(self, value: Any, path: Path) -> Node:
        """An embedded node, or the node an id reference points at."""
        if isinstance(value, str):
            value = self.index.get(value, {"id": value})
        elif isinstance(value, Mapping) and set(value) == {"id"} and isinstance(value["id"], str):
            value = self.index.get(value["id"], value)
        if not isinstance(value, Mapping):
            self.problem(fail(path, "expected a JSON object (a node) or a node id"))
            return {}
        return value

    def nodes(self, parent: Node, key: str, path: Path) -> Iterator[tuple[Path, Node]]:
        values = parent.get(key)
        is_list = isinstance(values, list)
        for i, value in enumerate(many(values)):
            where = (*path, key, i) if is_list else (*path, key)
            yield where, self.node(value, where)

    def one_at(
        self, parent: Node, key: str, path: Path, *, first: bool = False
    ) -> tuple[Path, Node] | None:
        """The single node under `key` with its path; with `first`, the first of several."""
        found = list(self.nodes(parent, key, path))
        if len(found) > 1 and not first:
            self.problem(fail((*path, key), f"expected one value for {key!r}, found {len(found)}"))
        return found[0] if found else None

    def one(self, parent: Node, key: str, path: Path) -> Node | None:
        found = self.one_at(parent, key, path)
        return None if found is None else found[1]

    def need_at(
        self, parent: Node, key: str, path: Path, *, first: bool = False
    ) -> tuple[Path, Node]:
        found = self.one_at(parent, key, path, first=first)
        if found is None:
            self.problem(fail((*path, key), f"{key!r} is missing"))
            return (*path, key), {}
        return found

    def need(self, parent: Node, key: str, path: Path) -> Node:
        return self.need_at(parent, key, path)[1]

    def iris(self, parent: Node, key: str, path: Path) -> list[Any]:
        return [node.get("id") for _, node in self.nodes(parent, key, path)]

    def iri(self, parent: Node, key: str, path: Path) -> Any:
        node = self.one(parent, key, path)
        return None if node is None else node.get("id")

    def own_id(self, node: Node) -> Any:
        """The node's id, or None where a writer generated it in the credential's space."""
        node_id = node.get("id")
        return None if isinstance(node_id, str) and node_id.startswith(self.base) else node_id

    def text(self, node: Node | None, key: str) -> Any:
        """A language map; tolerant dialects take the first text of an array value."""
        value = None if node is None else node.get(key)
        if self.dialect.tolerant and isinstance(value, Mapping):
            return {tag: (t[0] if isinstance(t, list) and t else t) for tag, t in value.items()}
        return value

    def note(self, parent: Node, key: str, path: Path) -> Any:
        return self.text(self.one(parent, key, path), "noteLiteral")

    def national_id(self, person: Node, path: Path) -> tuple[str, Node | None]:
        """(term used, LegalIdentifier node) of the person's national id, if any."""
        for term in self.dialect.national_id:
            if term in person:
                return term, self.one(person, term, path)
        return self.dialect.national_id[0], None

    def legal_identifier(self, node: Node | None, model: Path, at: Path) -> Input | None:
        if node is None:
            return None
        return self.record(
            model,
            at,
            {
                "notation": ("notation", node.get("notation")),
                "country": ("spatial", self.iri(node, "spatial", at)),
            },
        )

    def organisation(self, node: Node, model: Path, at: Path) -> Input:
        location_at, location = self.need_at(node, "location", at, first=self.dialect.tolerant)
        address_at, address = self.need_at(location, "address", location_at)
        registration = self.one_at(node, "registration", at)
        homepage = self.one(node, "homepage", at)
        return self.record(
            model,
            at,
            {
                "id": ("id", self.own_id(node)),
                "legalName": ("legalName", self.text(node, "legalName")),
                "country": (
                    (*address_at, "countryCode"),
                    self.iri(address, "countryCode", address_at),
                ),
                "region": (
                    (*location_at, "spatialCode"),
                    self.iri(location, "spatialCode", location_at),
                ),
                "registration": (
                    "registration",
                    registration
                    and self.legal_identifier(
                        registration[1], (*model, "registration"), registration[0]
                    ),
                ),
                "homepage": ("homepage", homepage and homepage.get("contentURL")),
            },
        )
