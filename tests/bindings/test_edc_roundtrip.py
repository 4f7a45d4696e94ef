"""to_edc / from_edc: exact round trip, determinism, no JSON-LD loss, the EDC envelope, errors."""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import micro_credentials

from microcred.bindings.edc import Display, EDCIssuer, from_edc, read_edc, to_edc
from microcred.errors import InvalidMicroCredential, InvalidOptionError
from microcred.jsonld.expand import expand
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[2]
SEALER = EDCIssuer("VATES-A00000000", "ES")
ISSUED = datetime(2025, 7, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def example() -> MicroCredential:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    return MicroCredential.parse(data)


def _edit(mc: MicroCredential, **changes: Any) -> MicroCredential:
    data = mc.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.update(changes)
    return MicroCredential.parse({k: v for k, v in data.items() if v is not None})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials(edc=True))
def test_from_edc_inverts_to_edc(mc: MicroCredential) -> None:
    edc = to_edc(mc, issuer=SEALER, issued=ISSUED)
    assert from_edc(json.loads(json.dumps(edc))) == mc
    assert to_edc(mc, issuer=SEALER, issued=ISSUED) == edc  # deterministic, images included


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials(edc=True))
def test_every_edc_expands_with_edc_ap_without_data_loss(mc: MicroCredential) -> None:
    assert expand(to_edc(mc, issuer=SEALER, issued=ISSUED))  # DataLossError on any drop


def test_the_envelope_is_what_edc_issues(example: MicroCredential) -> None:
    edc = to_edc(example, issuer=SEALER, issued=ISSUED)
    assert edc["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ]
    assert edc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert edc["issued"] == edc["issuanceDate"] == "2025-07-01T12:00:00Z"
    assert edc["validFrom"] == "2025-06-30T10:00:00+01:00"
    assert edc["credentialProfiles"]["id"] == "http://data.europa.eu/snb/credential/e34929035b"
    assert edc["credentialSchema"] == {
        "id": "http://data.europa.eu/snb/model/ap/edc-generic-full",
        "type": "ShaclValidator2017",
    }
    issuer = edc["issuer"]
    assert issuer["legalName"] == {"en": "University of Zed", "de": "Universität Zed"}
    country = issuer["location"][0]["address"]["countryCode"]
    assert country["id"] == "http://publications.europa.eu/resource/authority/country/IRL"
    assert issuer["eIDASIdentifier"]["notation"] == "VATES-A00000000"
    assert issuer["eIDASIdentifier"]["spatial"]["id"].endswith("/country/ESP")
    spec = edc["credentialSubject"]["hasClaim"]["specifiedBy"]
    assert spec["type"] == "Qualification"
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/6"
    assert spec["eqfLevel"]["inScheme"] == {
        "id": "http://data.europa.eu/snb/eqf/25831c2",
        "type": "ConceptScheme",
    }
    assert spec["description"]["en"].startswith("A blended course")  # edc-ap's dc:description
    assert spec["accreditation"][0]["accreditingAgent"]["type"] == "Organisation"


def test_issued_defaults_to_now_in_utc_whole_seconds(example: MicroCredential) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    issued = datetime.fromisoformat(to_edc(example, issuer=SEALER)["issued"])
    assert before <= issued <= datetime.now(UTC) and issued.microsecond == 0
    local = datetime(2025, 7, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert to_edc(example, issuer=SEALER, issued=local)["issued"] == "2025-07-01T14:00:00+02:00"


def _nodes(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        if isinstance(value.get("id"), str) and len(value) > 1:
            yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def test_no_id_names_two_different_nodes(example: MicroCredential) -> None:
    """EC samples reuse urn:epass ids for different nodes, which merge in RDF; we do not."""
    edc = to_edc(example, issuer=SEALER, issued=ISSUED)
    seen: dict[str, Mapping[str, Any]] = {}
    for node in _nodes(edc):
        assert seen.setdefault(node["id"], node) == node, node["id"]
    generated = Counter(n["id"] for n in _nodes(edc) if n["id"].startswith(example.id + "#"))
    assert generated[example.id + "#issuer"] == 1


def test_the_type_of_assessment_stays_on_the_qualification_without_a_grade(
    example: MicroCredential,
) -> None:
    ungraded = _edit(example, grade=None, supervision=None)
    claim = to_edc(ungraded, issuer=SEALER, issued=ISSUED)["credentialSubject"]["hasClaim"]
    assert "provenBy" not in claim  # EDC requires a grade on every LearningAssessment
    test = claim["specifiedBy"]["provenBy"][0]
    assert test["type"] == "LearningAssessmentSpecification"
    assert test["dcType"]["id"] == "http://data.europa.eu/snb/assessment/de4d165a6c"
    assert from_edc(to_edc(ungraded, issuer=SEALER, issued=ISSUED)) == ungraded


def test_missing_titles_are_filled_with_labels_and_read_back_as_missing(
    example: MicroCredential,
) -> None:
    data = example.model_dump(mode="json", by_alias=True, exclude_none=True)
    del data["assessment"]["title"]
    del data["qualityAssurance"][0]["title"]
    untitled = MicroCredential.parse(data)
    edc = to_edc(untitled, issuer=SEALER, issued=ISSUED)
    claim = edc["credentialSubject"]["hasClaim"]
    assert claim["provenBy"][0]["title"] == {"en": "artefact assessment"}
    assert claim["provenBy"][0]["specifiedBy"]["title"] == {"en": "artefact assessment"}
    accreditation = claim["specifiedBy"]["accreditation"][0]
    assert accreditation["title"] == {"en": "Institutional Quality Assurance"}
    assert claim["influencedBy"][0]["title"] == {"en": "e-learning coursework"}
    assert from_edc(edc) == untitled


def test_display_has_a_png_page_per_language(example: MicroCredential) -> None:
    display = to_edc(example, issuer=SEALER, issued=ISSUED)["displayParameter"]
    assert display["title"] == dict(example.title)
    assert [lang["id"][-3:] for lang in display["language"]] == ["ENG", "DEU"]
    assert display["primaryLanguage"]["id"].endswith("/language/ENG")
    pages = display["individualDisplay"]
    assert [p["language"]["id"][-3:] for p in pages] == ["ENG", "DEU"]
    image = pages[1]["displayDetail"][0]["image"]
    assert pages[1]["displayDetail"][0]["page"] == 1
    assert image["contentType"]["id"].endswith("/file-type/PNG")
    assert image["contentEncoding"]["id"] == "http://data.europa.eu/snb/encoding/6146cde7dd"
    assert image["content"] != pages[0]["displayDetail"][0]["image"]["content"]


def test_display_options(example: MicroCredential) -> None:
    chosen = Display(
        languages=("de", "en-GB", "en"),
        title={"en": "Micro-Credential"},
        description={"en": "has successfully completed a micro-module"},
    )
    display = to_edc(example, issuer=SEALER, display=chosen, issued=ISSUED)["displayParameter"]
    assert display["title"] == {"en": "Micro-Credential"}
    assert display["description"] == {"en": "has successfully completed a micro-module"}
    assert [lang["id"][-3:] for lang in display["language"]] == ["DEU", "ENG"]  # en-GB = en
    assert display["primaryLanguage"]["id"].endswith("/language/DEU")


def test_untranslatable_title_languages_fall_back_to_an_english_page(
    example: MicroCredential,
) -> None:
    klingon = _edit(example, title={"tlh": "Qapla'"})
    display = to_edc(klingon, issuer=SEALER, issued=ISSUED)["displayParameter"]
    assert [lang["id"][-3:] for lang in display["language"]] == ["ENG"]


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"issuer": EDCIssuer("VATES-A00000000", "Atlantis")}, "issuer"),
        ({"issuer": ("VATES-A00000000", "ES")}, "EDCIssuer"),
        ({"issued": datetime(2025, 1, 1)}, "aware"),
        ({"display": Display(languages=("tlh",))}, "tlh"),
        ({"display": Display(title={"en": " "})}, "display"),
    ],
)
def test_unusable_options_are_refused(
    example: MicroCredential, options: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidOptionError, match=fragment):
        to_edc(example, **{"issuer": SEALER, **options})


def test_what_edc_needs_beyond_the_model_is_reported_at_model_paths(
    example: MicroCredential,
) -> None:
    data = example.model_dump(mode="json", by_alias=True, exclude_none=True)
    del data["qualityAssurance"][0]["qualityAssuringBody"]
    del data["grade"]
    del data["stackability"]["stackableTowards"][0]["title"]
    with pytest.raises(InvalidMicroCredential) as caught:
        to_edc(MicroCredential.parse(data), issuer=SEALER)
    assert [(e.path, e.code) for e in caught.value.errors] == [
        (("qualityAssurance", 0, "qualityAssuringBody"), "edc_requires_accrediting_agent"),
        (("supervision",), "edc_requires_grade"),
        (("stackability", "stackableTowards", 0, "title"), "edc_requires_title"),
    ]


def test_from_edc_reads_variations_of_other_tools(example: MicroCredential) -> None:
    edc = to_edc(example, issuer=SEALER, issued=ISSUED)
    subject = edc["credentialSubject"]
    subject["nationalId"] = {
        "id": "urn:epass:legalIdentifier:9",
        "type": "LegalIdentifier",
        "notation": "LA-234218",
        "spatial": {"id": "http://publications.europa.eu/resource/authority/country/ITA"},
    }
    subject["dateOfBirth"] = "1999-10-01T22:00:00Z"  # local midnight in CEST, written in UTC
    subject["fullName"] = {"en": ["Ana Andromeda"]}  # prefLabel-style arrays (EBSI)
    spec = subject["hasClaim"]["specifiedBy"]
    spec["creditPoint"] = spec["creditPoint"][0]  # single objects instead of arrays
    body = subject["hasClaim"]["awardedBy"]["awardingBody"][0]
    edc["issuer"]["location"].append(copy.deepcopy(body["location"][0]))  # a second location
    read = read_edc(edc).fields
    assert read["learner"]["nationalID"] == {
        "notation": "LA-234218",
        "country": "http://publications.europa.eu/resource/authority/country/ITA",
    }
    assert read["learner"]["dateOfBirth"] == "1999-10-02"
    assert read["learner"]["fullName"] == {"en": "Ana Andromeda"}
    assert from_edc(edc).learner.date_of_birth.isoformat() == "1999-10-02"  # type: ignore[union-attr]


def test_several_claims_are_not_silently_cut_to_one(example: MicroCredential) -> None:
    edc = to_edc(example, issuer=SEALER, issued=ISSUED)
    claim = edc["credentialSubject"]["hasClaim"]
    edc["credentialSubject"]["hasClaim"] = [claim, {**claim, "id": "urn:epass:claim:2"}]
    with pytest.raises(InvalidMicroCredential) as caught:
        from_edc(edc)
    assert caught.value.errors[0].path == ("credentialSubject", "hasClaim")


def test_expiration_date_is_read_when_valid_until_is_absent(example: MicroCredential) -> None:
    expiring = _edit(example, validUntil="2030-01-01T00:00:00Z")
    edc = to_edc(expiring, issuer=SEALER, issued=ISSUED)
    assert edc["validUntil"] == edc["expirationDate"] == "2030-01-01T00:00:00Z"
    del edc["validUntil"]
    assert from_edc(edc) == expiring


def test_errors_point_into_the_edc(example: MicroCredential) -> None:
    edc = to_edc(example, issuer=SEALER, issued=ISSUED)
    spec = edc["credentialSubject"]["hasClaim"]["specifiedBy"]
    spec["eqfLevel"]["id"] = "http://data.europa.eu/snb/eqf/9"
    del spec["accreditation"]
    before = copy.deepcopy(edc)
    with pytest.raises(InvalidMicroCredential) as caught:
        from_edc(edc)
    assert edc == before
    at = ("credentialSubject", "hasClaim", "specifiedBy")
    assert {(e.path, e.code) for e in caught.value.errors} == {
        ((*at, "eqfLevel"), "unknown_eqf"),
        ((*at, "accreditation"), "missing"),
    }
    message = {e.path: e.message for e in caught.value.errors}[(*at, "accreditation")]
    assert message.startswith("qualityAssurance:")


def test_a_supplement_adds_what_the_edc_lacks(example: MicroCredential) -> None:
    edc = to_edc(example, issuer=SEALER, issued=ISSUED)
    del edc["credentialSubject"]["hasClaim"]["specifiedBy"]["accreditation"]
    supplement = {"qualityAssurance": [{"type": "programme-quality-assurance"}]}
    read = from_edc(edc, supplement=supplement)
    assert [qa.type.key for qa in read.quality_assurance] == ["programme-quality-assurance"]
    with pytest.raises(InvalidMicroCredential) as caught:
        from_edc(edc, supplement={"qualityAssurance": [{"type": "nonsense"}]})
    assert caught.value.errors[0].path == ("qualityAssurance", 0, "type")  # the caller's input


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"@context": ["https://www.w3.org/ns/credentials/v2"]}, ("@context",)),
        (
            {"@context": ["http://data.europa.eu/snb/model/context/edc-ap"], "id": "urn:x"},
            ("credentialSubject",),
        ),
        ([], ()),
    ],
)
def test_what_is_not_an_edc_fails_with_a_path(document: Any, path: tuple[str, ...]) -> None:
    with pytest.raises(InvalidMicroCredential) as caught:
        from_edc(document)
    assert caught.value.errors[0].path == path
