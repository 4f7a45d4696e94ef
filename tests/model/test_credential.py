"""MicroCredential: the documented JSON input, errors with paths, untouched input, schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import InvalidMicroCredential
from microcred.model import (
    EQFLevel,
    LangText,
    Learner,
    MicroCredential,
    Organisation,
    Workload,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "microcredential.json"
SCHEMA = ROOT / "docs" / "microcredential.schema.json"
DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_documented_example_is_a_valid_micro_credential(example: dict[str, Any]) -> None:
    mc = MicroCredential.parse(example)
    assert mc.title.best("de") == "Erstellung digitaler Microcredentials"
    assert mc.level is not None and mc.level.eqf == EQFLevel.of(6)
    assert mc.workload == Workload(ects=2, hours=60)  # type: ignore[arg-type]
    assert mc.awarding_bodies == (mc.issuer,)  # left out: the issuer awards
    assert mc.issuer.id is None  # filled in from the signing key at issuance


def _set(*path: str | int, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _delete(key: str) -> Edit:
    return lambda data: data.pop(key)


BAD_INPUT = [
    # (what, edit, expected path, expected code)
    ("missing mandatory element", _delete("workload"), ("workload",), "missing"),
    ("EQF level 9", _set("level", "eqf", value=9), ("level", "eqf"), "unknown_eqf"),
    (
        "unknown country",
        _set("issuer", "country", value="XX"),
        ("issuer", "country"),
        "unknown_country",
    ),
    (
        "malformed language tag",
        _set("title", value={"en_GB": "Data"}),
        ("title", "en_GB"),
        "invalid_language_tag",
    ),
    (
        "no learning outcomes",
        _set("learningOutcomes", value=[]),
        ("learningOutcomes",),
        "too_short",
    ),
    (
        "negative ECTS",
        _set("workload", "ects", value=-1),
        ("workload", "ects"),
        "greater_than_equal",
    ),
    (
        "naive date of issuing",
        _set("dateOfIssuing", value="2025-06-30T10:00:00"),
        ("dateOfIssuing",),
        "timezone_aware",
    ),
    (
        "time zone offset in seconds",
        _set(
            "dateOfIssuing",
            value=datetime(2025, 6, 30, 10, tzinfo=timezone(timedelta(hours=1, seconds=30))),
        ),
        ("dateOfIssuing",),
        "invalid_time_zone",
    ),
    ("no workload figure", _set("workload", value={}), ("workload",), "workload_missing"),
    (
        "unknown field",
        _set("learner", "nickname", value="Ana"),
        ("learner", "nickname"),
        "extra_forbidden",
    ),
    (
        "QF-EHEA cycle against EQF",
        _set("level", "qfEheaCycle", value="second-cycle"),
        ("level",),
        "level_mismatch",
    ),
    ("anonymous learner", _set("learner", value={}), ("learner",), "learner_not_identified"),
    (
        "bad ESCO skill",
        _set("learningOutcomes", 0, "relatedESCOSkills", 0, value="esco:x"),
        ("learningOutcomes", 0, "relatedESCOSkills", 0),
        "invalid_esco_skill",
    ),
    (
        "no quality assurance",
        _set("qualityAssurance", value=[]),
        ("qualityAssurance",),
        "too_short",
    ),
    (
        "unknown assessment type",
        _set("assessment", "type", value="exam"),
        ("assessment", "type"),
        "unknown_assessment",
    ),
    (
        "validity ends before issuing",
        _set("validUntil", value="2025-01-01T00:00:00Z"),
        ("validUntil",),
        "valid_until_not_after_issuing",
    ),
    (
        "id in the reserved fragment space",
        _set("learner", "id", value="urn:uuid:6a0f3c1e-2f4b-4d8e-9a51-0c7d2b9e4f10#learner"),
        ("learner", "id"),
        "reserved_id",
    ),
    (
        "empty further information",
        _set("furtherInformation", value={}),
        ("furtherInformation",),
        "further_information_empty",
    ),
]


@pytest.mark.parametrize(("what", "edit", "path", "code"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_names_the_field_and_leaves_the_input_alone(
    example: dict[str, Any], what: str, edit: Edit, path: tuple[str | int, ...], code: str
) -> None:
    edit(example)
    before = copy.deepcopy(example)
    with pytest.raises(InvalidMicroCredential) as caught:
        MicroCredential.parse(example)
    assert (path, code) in [(e.path, e.code) for e in caught.value.errors], caught.value.errors
    assert caught.value.code == "INVALID_MICROCREDENTIAL"
    assert example == before


def test_every_error_is_reported_at_once(example: dict[str, Any]) -> None:
    for _, edit, _, _ in BAD_INPUT[1:6]:  # five independent mistakes
        edit(example)
    with pytest.raises(InvalidMicroCredential) as caught:
        MicroCredential.parse(example)
    assert len(caught.value.errors) >= 5


@pytest.mark.parametrize(
    "construct",
    [
        lambda: MicroCredential(id="urn:x"),  # type: ignore[call-arg]
        lambda: MicroCredential.model_validate_json('{"id": 3}'),
        lambda: Workload(ects=-1),  # type: ignore[arg-type]
        lambda: Learner(),
        lambda: Organisation(legal_name=LangText({"en": "X"}), country="ZZ"),  # type: ignore[arg-type]
    ],
)
def test_every_entry_point_raises_invalid_micro_credential(construct: Callable[[], Any]) -> None:
    with pytest.raises(InvalidMicroCredential):
        construct()


def test_models_are_frozen(example: dict[str, Any]) -> None:
    mc = MicroCredential.parse(example)
    with pytest.raises(Exception, match="frozen"):
        mc.title = LangText({"en": "Other"})


def test_with_issuer_id_fills_the_issuer_and_the_bodies_equal_to_it(
    example: dict[str, Any],
) -> None:
    mc = MicroCredential.parse(example)
    signed = mc.with_issuer_id(DID)
    assert signed.issuer.id == DID
    assert signed.awarding_bodies[0].id == DID
    assert (
        signed.quality_assurance[0].quality_assuring_body
        == mc.quality_assurance[0].quality_assuring_body
    )
    assert mc.issuer.id is None  # the original is unchanged
    with pytest.raises(InvalidMicroCredential) as caught:
        mc.with_issuer_id("not an iri")
    assert caught.value.errors[0].path == ("issuer", "id")


def test_organisations_sharing_an_id_must_agree(example: dict[str, Any]) -> None:
    example["issuer"]["id"] = DID
    example["awardingBodies"] = [{**example["issuer"], "legalName": {"en": "Another"}}]
    with pytest.raises(InvalidMicroCredential) as caught:
        MicroCredential.parse(example)
    assert caught.value.errors[0].path == ("awardingBodies", 0, "id")
    assert caught.value.errors[0].code == "conflicting_organisation"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (
            ("participation", "modes"),
            ["blended", "http://data.europa.eu/snb/learning-assessment/e92d221e4d"],
        ),
        (("furtherInformation", "languages"), ["en", "en"]),
    ],
)
def test_a_set_states_each_item_once(
    example: dict[str, Any], path: tuple[str, str], value: list[str]
) -> None:
    """The same mode (as key and as IRI) twice: the credential's graph would hold it once."""
    example.setdefault(path[0], {})[path[1]] = value
    with pytest.raises(InvalidMicroCredential) as caught:
        MicroCredential.parse(example)
    assert caught.value.errors[0].path == path
    assert caught.value.errors[0].code == "not_unique"


def test_the_json_form_validates_back_to_the_same_model(example: dict[str, Any]) -> None:
    mc = MicroCredential.parse(example).with_issuer_id(DID)
    dumped = mc.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert MicroCredential.parse(json.loads(json.dumps(dumped))) == mc
    assert dumped["level"]["eqf"] == 6 and dumped["issuer"]["country"] == "IRL"


def test_python_values_are_accepted_too(example: dict[str, Any]) -> None:
    example["dateOfIssuing"] = datetime(2025, 6, 30, 9, tzinfo=UTC)
    example["level"] = {"eqf": EQFLevel.of(6)}
    assert MicroCredential.parse(example).date_of_issuing == datetime(2025, 6, 30, 9, tzinfo=UTC)


def _schema_text() -> str:
    schema = MicroCredential.model_json_schema(by_alias=True)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_published_json_schema_is_current() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == _schema_text(), (
        "docs/microcredential.schema.json is stale; regenerate it with: .venv/bin/python -c "
        '"import json; from microcred.model import MicroCredential; print(json.dumps('
        "MicroCredential.model_json_schema(by_alias=True), indent=2, sort_keys=True, "
        'ensure_ascii=False))" > docs/microcredential.schema.json'
    )
