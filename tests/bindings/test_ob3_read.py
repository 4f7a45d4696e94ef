"""read_ob3 on OB3 micro-credentials microcred did not write (Edubadges, MyNextID):
title, issuer name and learning outcomes are read; what is missing is reported."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from microcred import StaticLoader, Verifier, read_ob3
from microcred.result import CheckStatus

EDUBADGES_CONTEXT = (
    "https://raw.githubusercontent.com/educredentials/obv3-examples/refs/heads/main/"
    "contexts/educredential.json"
)


def _sample(reference_dir: Path, name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((reference_dir / "ob3" / name).read_text("utf-8"))
    return loaded


@pytest.mark.parametrize(
    "name",
    [
        "edubadges/theed_microcredential_full_ho.json",
        "edubadges/theed_microcredential_minimal_ho.json",
    ],
)
def test_edubadges(reference_dir: Path, name: str) -> None:
    reading = read_ob3(_sample(reference_dir, name))
    assert reading.title == "Minor: Jedi Mind Control and Advanced Meditation Practices"
    assert reading.issuer_name == "Naboo Theed University"
    assert reading.learner == "https://example.com/students/stu-4D5E6F"
    assert reading.learning_outcomes and "Mind Control" in reading.learning_outcomes[0]
    assert "OB3_OUTCOMES_FROM_CRITERIA" in {p.code for p in reading.problems}
    assert reading.ects == Decimal("3.0")
    assert reading.eqf == 4


def test_mynextid(reference_dir: Path) -> None:
    reading = read_ob3(_sample(reference_dir, "mynextid/open-badge-mc-example.json"))
    assert reading.title == "Data Science Fundamentals"
    assert reading.issuer_name == "NETIS d.o.o."
    assert reading.learning_outcomes == ("Develop test procedures", "Analyse test data")
    assert reading.ects == Decimal(5)
    assert reading.eqf is None
    assert [p.path for p in reading.problems if p.code == "OB3_MISSING"] == [
        ("credentialSubject", "achievement", "alignment")
    ]


@pytest.mark.parametrize("value", [None, [], "text", {"credentialSubject": 3}])
def test_anything_reads_without_raising(value: object) -> None:
    reading = read_ob3(value)
    assert reading.title is None
    assert reading.problems


def test_the_edubadges_context_is_a_contexts_failure(reference_dir: Path) -> None:
    context = json.loads(
        (reference_dir / "ob3" / "edubadges" / "educredential-context.json").read_text()
    )
    verifier = Verifier(loader=StaticLoader({EDUBADGES_CONTEXT: context}))
    sample = _sample(reference_dir, "edubadges/theed_microcredential_full_ho.json")
    result = verifier.verify(sample)
    assert result.checks["contexts"].status is CheckStatus.FAILED
    assert result.checks["contexts"].problems[0].code in {
        "INVALID_CONTEXT",
        "DATA_LOSS_DETECTION_ERROR",
        "PROTECTED_TERM_REDEFINITION",
    }
    assert not result.verified
