"""Controlled vocabularies as typed values that serialise to EU vocabulary concept IRIs.

Each class is one vocabulary table under `microcred/data/vocab/` (provenance in its
SOURCES.md). A value is accepted as its readable key (`"online"`, `6`, `"IRL"`), an alias
(`"IE"`, `"onsite"`) or its concept IRI, and is stored as the table's `Concept`; the JSON
form of the model is the key. Unknown values fail with a `unknown_<vocabulary>` error code.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any, ClassVar, Self

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from microcred.errors import FieldError, InvalidMicroCredential
from microcred.model._base import matching
from microcred.model.text import is_language_tag

__all__ = [
    "ESCO_SKILL_PATTERN",
    "REGION_PATTERN",
    "AccreditationType",
    "AssessmentType",
    "Concept",
    "Country",
    "CreditSystem",
    "EQFLevel",
    "ESCOSkill",
    "Language",
    "LearningActivityType",
    "LearningMode",
    "LearningOpportunityType",
    "LearningSetting",
    "NQFLevel",
    "QFEHEACycle",
    "Region",
    "SkillReuseLevel",
    "SkillType",
    "SupervisionVerification",
    "ThematicArea",
]


@cache
def _index() -> Mapping[str, Mapping[str, str]]:
    folder = resources.files("microcred") / "data" / "vocab"
    return json.loads((folder / "index.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def _rows(vocabulary: str) -> tuple[Mapping[str, str], ...]:
    """The rows of one vocabulary table (key, iri, label, optional alias/scheme/extra)."""
    meta = _index()[vocabulary]
    folder = resources.files("microcred") / "data" / "vocab"
    text = (folder / meta["file"]).read_text(encoding="utf-8")
    return tuple({k: v for k, v in row.items() if v} for row in csv.DictReader(io.StringIO(text)))


@dataclass(frozen=True)
class Concept:
    """One concept of a controlled vocabulary: readable key, concept IRI, English label, scheme."""

    key: str
    iri: str
    label: str
    scheme: str

    vocabulary: ClassVar[str] = ""
    integer_keys: ClassVar[bool] = False

    @classmethod
    def of(cls, value: str | int) -> Self:
        """The concept for a key, alias or IRI; `InvalidMicroCredential` if there is none."""
        try:
            return cls._validate(value)
        except PydanticCustomError as error:
            raise InvalidMicroCredential([FieldError((), error.type, error.message())]) from None

    @classmethod
    def all(cls) -> tuple[Self, ...]:
        """Every concept of this vocabulary, in table order."""
        return tuple(cls._table().values())

    @property
    def code(self) -> str | int:
        """The key as the JSON input format writes it (an integer for EQF levels)."""
        return int(self.key) if self.integer_keys else self.key

    @classmethod
    @cache
    def _table(cls) -> Mapping[str, Self]:
        default_scheme = _index()[cls.vocabulary]["scheme"]
        return {
            row["key"]: cls(row["key"], row["iri"], row["label"], row.get("scheme", default_scheme))
            for row in _rows(cls.vocabulary)
        }

    @classmethod
    @cache
    def _lookup(cls) -> Mapping[str, Self]:
        """Every accepted spelling (key, alias, IRI) -> concept."""
        out: dict[str, Self] = {}
        for row in _rows(cls.vocabulary):
            concept = cls._table()[row["key"]]
            for spelling in (row["key"], row.get("alias"), row["iri"]):
                if spelling:
                    out[spelling] = concept
        return out

    @classmethod
    def _find(cls, value: str) -> Self | None:
        return cls._lookup().get(value)

    @classmethod
    def _validate(cls, value: Any) -> Self:
        if isinstance(value, cls):
            return value
        found = None
        if isinstance(value, int) and not isinstance(value, bool) and cls.integer_keys:
            found = cls._find(str(value))
        elif isinstance(value, str) and not (cls.integer_keys and value.isdigit()):
            found = cls._find(value)
        if found is None:
            raise PydanticCustomError(
                f"unknown_{cls.vocabulary.replace('-', '_')}",
                "{value} is not in the vocabulary {title}: expected {hint}, or a concept IRI",
                {"value": repr(value), **_index()[cls.vocabulary]},
            )
        return found

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda c: c.code),
            ref=cls.__name__,
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        spellings = sorted(s for s in cls._lookup() if not (cls.integer_keys and s.isdigit()))
        keys: dict[str, Any] = (
            {"type": "integer", "minimum": 1, "maximum": len(cls.all())}
            if cls.integer_keys
            else {"type": "string", "enum": spellings}
        )
        described = {"description": f"{_index()[cls.vocabulary]['title']}: key, alias or IRI"}
        if cls.integer_keys:
            return {**described, "anyOf": [keys, {"type": "string", "enum": spellings}]}
        return {**described, **keys}


class EQFLevel(Concept):
    """EQF level 1-8 (`http://data.europa.eu/snb/eqf/N`); Annex I element "level"."""

    vocabulary = "eqf"
    integer_keys = True


class NQFLevel(Concept):
    """National qualifications framework level, a QDR concept (`.../snb/qdr/c_...`)."""

    vocabulary = "nqf"


class QFEHEACycle(Concept):
    """QF-EHEA cycle (short, first, second, third): microcred concepts, ELM has none."""

    vocabulary = "qf-ehea-cycle"

    @property
    def eqf_level(self) -> EQFLevel:
        """The EQF level the cycle corresponds to (EQF Recommendation 2017, Annex III)."""
        row = next(r for r in _rows(self.vocabulary) if r["key"] == self.key)
        return EQFLevel.of(int(row["eqf"]))


class CreditSystem(Concept):
    """Educational credit system (`ects`, `ecvet`)."""

    vocabulary = "credit-system"


class Country(Concept):
    """Country of the EU country authority table; ISO 3166-1 alpha-2 and alpha-3 accepted."""

    vocabulary = "country"

    @property
    def alpha2(self) -> str | None:
        """The ISO 3166-1 alpha-2 code (the table's alias), if the country has one."""
        row = next(r for r in _rows(self.vocabulary) if r["key"] == self.key)
        return row.get("alias") or None


class Language(Concept):
    """Language of the EU language authority table, given as a BCP 47 tag (its primary
    language subtag decides: `de-AT` -> `de`), a 3-letter EU code (`DEU`) or the IRI."""

    vocabulary = "language"

    @classmethod
    def _find(cls, value: str) -> Self | None:
        found = cls._lookup().get(value)
        if found is None and is_language_tag(value):
            found = cls._lookup().get(value.split("-", 1)[0].lower())
        return found


class AssessmentType(Concept):
    """Type of assessment (14 EU concepts: written examination, portfolio, ...)."""

    vocabulary = "assessment"


class LearningMode(Concept):
    """Mode of learning and assessment: online, blended, presential (onsite), workbased, ..."""

    vocabulary = "learning-mode"


class LearningSetting(Concept):
    """Learning setting: formal or non-formal."""

    vocabulary = "learning-setting"


class LearningActivityType(Concept):
    """Type of learning activity (volunteering, job experience, e-learning, ...)."""

    vocabulary = "learning-activity"


class SupervisionVerification(Concept):
    """Supervision and identity verification during assessment: the four Annex I values."""

    vocabulary = "supervision-verification"


class AccreditationType(Concept):
    """Type of quality assurance: institutional/programme quality assurance or licence."""

    vocabulary = "accreditation"


class LearningOpportunityType(Concept):
    """Type of learning opportunity; micro-credentials are `short-learning-programme`."""

    vocabulary = "learning-opportunity"


class SkillType(Concept):
    """Kind of learning outcome: knowledge or skill."""

    vocabulary = "skill-type"


class SkillReuseLevel(Concept):
    """ESCO reusability level: transversal, cross-sector, sector-specific, occupation-specific."""

    vocabulary = "skill-reuse-level"


class ThematicArea(Concept):
    """Field of education and training, ISCED-F 2013 (`0688`)."""

    vocabulary = "isced-f"


ESCO_SKILL_PATTERN = (
    r"^http://data\.europa\.eu/esco/skill/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
REGION_PATTERN = (
    r"^(?:http://publications\.europa\.eu/resource/authority/atu/[A-Z0-9_]+"
    r"|http://data\.europa\.eu/nuts/code/[A-Z0-9]+)$"
)


ESCOSkill = Annotated[
    str,
    matching(ESCO_SKILL_PATTERN, "invalid_esco_skill", "an ESCO skill IRI"),
    WithJsonSchema({"type": "string", "pattern": ESCO_SKILL_PATTERN}),
]
"""An ESCO skill IRI, `http://data.europa.eu/esco/skill/<uuid>`."""

Region = Annotated[
    str,
    matching(REGION_PATTERN, "invalid_region", "an ATU or NUTS region IRI"),
    WithJsonSchema({"type": "string", "pattern": REGION_PATTERN}),
]
"""A region IRI of the EU ATU table or of NUTS (`.../authority/atu/IRL_CTH_DUB`)."""
