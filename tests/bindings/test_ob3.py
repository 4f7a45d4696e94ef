"""to_ob3 / from_ob3: the 1EdTech OB3 JSON Schema accepts what we write, it signs and
verifies, the round trip is exact, and native values agree with the extension record."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import micro_credentials

from microcred import KeyPair, MicroCredential, sign, verify
from microcred.bindings.ob3 import from_ob3, identity_hash, to_ob3
from microcred.errors import InvalidMicroCredential
from microcred.jsonld.compacted import to_rdf
from microcred.jsonld.loader import default_loader

ROOT = Path(__file__).resolve().parents[2]
KEY = KeyPair.generate("Ed25519")


@pytest.fixture
def sample() -> MicroCredential:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    return MicroCredential.parse(data).with_issuer_id(KEY.public_key.did)


@pytest.fixture
def schema_errors(reference_dir: Path) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    path = reference_dir / "ob3" / "1edtech-schema" / "ob_v3p0_achievementcredential_schema.json"
    schema = json.loads(path.read_text("utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return lambda document: [f"{list(e.absolute_path)}: {e.message}" for e in
                             validator.iter_errors(document)]  # fmt: skip


def test_the_sample_validates_signs_verifies_and_round_trips(
    sample: MicroCredential, schema_errors: Any
) -> None:
    credential, report = to_ob3(sample, salt="0f1e2d3c")
    assert schema_errors(credential) == []
    signed = sign(credential, key=KEY)
    result = verify(signed)
    assert result.verified, [str(p) for p in result.problems]
    assert from_ob3(signed) == sample
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["creditsAvailable"] == 2
    assert achievement["inLanguage"] == "en"
    assert {a["targetUrl"] for a in achievement["alignment"]} >= {
        "http://data.europa.eu/snb/eqf/6",
        "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a",
    }
    [identity] = credential["credentialSubject"]["identifier"]
    assert identity["identityHash"] == identity_hash("ana.andromeda@example.org", "0f1e2d3c")
    lost = {e.element for e in report.lost()}
    assert {"title", "quality assurance", "type of assessment"} <= lost


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials())
def test_from_ob3_inverts_to_ob3(mc: MicroCredential) -> None:
    mc = mc if mc.issuer.id is not None else mc.with_issuer_id(KEY.public_key.did)
    credential, _ = to_ob3(mc, salt="s")
    assert from_ob3(json.loads(json.dumps(credential))) == mc
    assert to_rdf(credential, default_loader())  # canonical form: signable as written


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mc=micro_credentials())
def test_every_generated_badge_meets_the_1edtech_schema(
    schema_errors: Any, mc: MicroCredential
) -> None:
    mc = mc if mc.issuer.id is not None else mc.with_issuer_id(KEY.public_key.did)
    assert schema_errors(to_ob3(mc, salt="s")[0]) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"name": "Another title"}, ("name",)),
        ({"issuer": {"id": "did:example:other", "type": ["Profile"]}}, ("issuer",)),
        ({"validFrom": "2030-01-01T00:00:00Z"}, ("validFrom",)),
        ({"euMicroCredential": "{"}, ("euMicroCredential",)),
        ({"euMicroCredential": None}, ("euMicroCredential",)),
    ],
)
def test_native_values_must_agree_with_the_record(
    sample: MicroCredential, change: dict[str, Any], path: tuple[str, ...]
) -> None:
    credential = {**copy.deepcopy(to_ob3(sample)[0]), **change}
    with pytest.raises(InvalidMicroCredential) as raised:
        from_ob3(credential)
    assert raised.value.errors[0].path[: len(path)] == path


def test_an_invalid_record_names_its_path_inside_the_extension(sample: MicroCredential) -> None:
    credential = to_ob3(sample)[0]
    record = json.loads(credential["euMicroCredential"])
    record["learningOutcomes"] = []
    credential["euMicroCredential"] = json.dumps(record)
    with pytest.raises(InvalidMicroCredential) as raised:
        from_ob3(credential)
    assert raised.value.errors[0].path == ("euMicroCredential", "learningOutcomes")


def test_no_issuer_id_is_a_typed_error(sample: MicroCredential) -> None:
    bare = sample.model_copy(update={"issuer": sample.issuer.model_copy(update={"id": None})})
    with pytest.raises(InvalidMicroCredential):
        to_ob3(bare)
