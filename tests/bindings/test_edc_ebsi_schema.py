"""Our sealed EDC, as a verifier receives it: its payload conforms to the EDC generic SHACL
profile (ELM 3.2, 0 results) and its credentialSubject to EBSI's VCDM 2.0 EDC JSON Schema
(npm @cef-ebsi/vcdm2.0-europass-edc-schema 2.1.0, `$defs/CredentialSubjectType`).

Only the credentialSubject part: that schema's envelope is VCDM 2.0 (`@context` credentials/v2,
type VerifiableAttestation), which an EDC on VC 1.1 is not (docs/edc.md).
"""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, assume, given, settings
from strategies import micro_credentials

from microcred.bindings.edc import EDCIssuer, issue_edc, to_edc
from microcred.jades import read_payload, verify_seal
from microcred.model import MicroCredential
from tests.jades.jades_pki import university_seal
from tests.jades.jades_tsa import TimeStampingAuthority, tsa_certificate, tsa_root

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency")
referencing = pytest.importorskip("referencing", reason="comes with jsonschema")

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path("ob3") / "ebsi" / "vcdm2.0-europass-edc-schema" / "schema.json"
SHAPES = [
    Path("elm") / "shacl" / "3.2" / n for n in ("EDC-generic-full.ttl", "EDC-generic-no-cv.ttl")
]
_BCP47 = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
SIGNED_AT = datetime(2025, 7, 1, 12, 0, 0, tzinfo=UTC)
EXAMPLE = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))


@pytest.fixture
def subject_schema(reference_dir: Path) -> Any:
    return _validator(reference_dir)


@functools.cache
def _validator(reference_dir: Path) -> Any:
    """A validator of EBSI's CredentialSubjectType (the schema resolves its own $defs)."""
    schema = json.loads((reference_dir / SCHEMA).read_text("utf-8"))
    resource = referencing.Resource.from_contents(schema)
    registry = referencing.Registry().with_resource(schema["$id"], resource)
    reference = {"$ref": schema["$id"] + "#/$defs/CredentialSubjectType"}
    return jsonschema.Draft202012Validator(reference, registry=registry)


def _errors(validator: Any, subject: Any) -> list[str]:
    found = []
    for error in validator.iter_errors(subject):
        deepest = max([error, *(error.context or [])], key=lambda e: len(e.absolute_path))
        found.append(f"{list(deepest.absolute_path)}: {deepest.message[:200]}")
    return found


@pytest.fixture(scope="module")
def sealed_edc() -> dict[str, Any]:
    """The documented example as issue_edc seals it, at baseline-B-T."""
    key = ec.generate_private_key(ec.SECP256R1())
    tsa_key, tsu_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    root = tsa_root(tsa_key)
    tsa = TimeStampingAuthority(tsu_key, tsa_certificate(tsu_key, (tsa_key, root)), root)
    certificate = university_seal(key, SIGNED_AT)
    sealed = issue_edc(
        MicroCredential.parse(EXAMPLE),
        key=key,
        certificate_chain=[certificate],
        signing_time=SIGNED_AT,
        timestamper=tsa.timestamper(SIGNED_AT + timedelta(seconds=1)),
    )
    result = verify_seal(
        sealed, trust_anchors=[certificate, root], now=SIGNED_AT + timedelta(hours=1)
    )
    assert result.verified, result.to_dict()
    return sealed


def test_the_sealed_payload_conforms_to_the_edc_shacl_profile(
    sealed_edc: dict[str, Any], reference_dir: Path
) -> None:
    pytest.importorskip("pyshacl", reason="the shacl extra (pip install microcred[shacl])")
    from microcred.verification.shacl import validate_shacl

    payload = read_payload(sealed_edc)
    assert isinstance(payload, dict)
    result = validate_shacl(payload, [reference_dir / s for s in SHAPES])
    assert result.verified and not result.problems and not result.warnings


def test_the_sealed_credential_subject_passes_ebsi_s_edc_json_schema(
    sealed_edc: dict[str, Any], subject_schema: Any
) -> None:
    payload = read_payload(sealed_edc)
    assert isinstance(payload, dict)
    assert _errors(subject_schema, payload["credentialSubject"]) == []


def test_an_awarded_by_reference_is_what_the_schema_refuses(
    sealed_edc: dict[str, Any], subject_schema: Any
) -> None:
    """Why every claim embeds its AwardingProcess: a bare id string fails the schema."""
    payload = read_payload(sealed_edc)
    assert isinstance(payload, dict)
    subject = json.loads(json.dumps(payload["credentialSubject"]))
    assessment = subject["hasClaim"]["provenBy"][0]
    assert assessment["awardedBy"] == subject["hasClaim"]["awardedBy"]  # an identical copy
    assessment["awardedBy"] = assessment["awardedBy"]["id"]
    assert _errors(subject_schema, subject)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(micro_credentials(edc=True))
def test_every_edc_credential_subject_passes_the_schema(
    reference_dir: Path, mc: MicroCredential
) -> None:
    """EBSI's schema takes only ISO 639-1 codes as language-map keys: a BCP 47 tag with a
    region (en-GB, es-419), which ELM and our model allow, fails it (docs/edc.md), so the
    random texts' tags are cut to their language here; everything else is as written."""
    edc = to_edc(mc, issuer=EDCIssuer("VATES-A00000000", "ES"), issued=SIGNED_AT)
    subject = _primary_languages(edc["credentialSubject"])
    assume(subject is not None)
    assert _errors(_validator(reference_dir), subject) == []


def test_a_region_subtag_is_what_the_schema_refuses(reference_dir: Path) -> None:
    data = dict(EXAMPLE, title={"en-GB": "Digital micro-credential creation"})
    edc = to_edc(MicroCredential.parse(data), issuer=EDCIssuer("VATES-A00000000", "ES"))
    assert "en-GB" in _language_tags(edc["credentialSubject"])
    assert _errors(_validator(reference_dir), edc["credentialSubject"])


def _primary_languages(node: Any) -> Any:
    """`node` with each language-map key cut to its primary subtag (en-GB → en); None when
    that would merge two texts or leave a code that is not two letters."""
    if isinstance(node, list):
        items = [_primary_languages(item) for item in node]
        return None if any(i is None for i in items) else items
    if not isinstance(node, dict):
        return node
    if node and all(_BCP47.fullmatch(key) for key in node):
        cut = {key.split("-")[0]: value for key, value in node.items()}
        if len(cut) != len(node) or any(len(key) != 2 for key in cut):
            return None
        return cut
    out = {key: _primary_languages(value) for key, value in node.items()}
    return None if any(v is None for v in out.values()) else out


def _language_tags(node: Any) -> set[str]:
    """The keys of every language map (an object whose keys are BCP 47 tags) under `node`."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= _language_tags(item)
    elif isinstance(node, dict):
        if node and all(_BCP47.fullmatch(key) for key in node):
            found |= set(node)
        for value in node.values():
            found |= _language_tags(value)
    return found
