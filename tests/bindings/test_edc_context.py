"""The bundled ELM 3.2 edc-ap context: served for both spellings, pinned, safe to expand."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from microcred.jsonld.expand import expand
from microcred.jsonld.loader import BundledLoader

HTTP = "http://data.europa.eu/snb/model/context/edc-ap"
HTTPS = "https://data.europa.eu/snb/model/context/edc-ap"
ELM = "http://data.europa.eu/snb/model/elm/"


def test_both_spellings_serve_one_pinned_file() -> None:
    loader = BundledLoader()
    assert loader(HTTP)["document"] == loader(HTTPS)["document"]
    index = json.loads((resources.files("microcred.contexts") / "index.json").read_text("utf-8"))
    assert index[HTTP] == index[HTTPS]
    assert index[HTTP]["source"].endswith(
        "@22dcce7b414ff13b5e653e1935321c30dc6a6a42:rdf/ap/edc/edc-ap-context.jsonld"
    )


def test_the_bundled_file_is_the_elm_3_2_copy(reference_dir: Path) -> None:
    ours = (resources.files("microcred.contexts") / "edc-ap-v3.2.jsonld").read_bytes()
    theirs = (reference_dir / "elm" / "context" / "edc-ap-context-3.2.jsonld").read_bytes()
    assert hashlib.sha256(ours).hexdigest() == hashlib.sha256(theirs).hexdigest()


def test_3_2_maps_national_id_to_the_ontology_term() -> None:
    """ELM 3.1 wrote elm:nationalID, which its own shapes do not know; 3.2 fixed it."""
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1", HTTP],
        "id": "urn:x",
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "urn:p", "nationalID": {"id": "urn:n", "notation": "1"}},
    }
    subject = expand(document)[0]["https://www.w3.org/2018/credentials#credentialSubject"][0]
    assert ELM + "nationalId" in subject


def test_the_ec_samples_expand_safely_offline(reference_dir: Path) -> None:
    for name in ("Sample-MC-Annex1-unsigned.jsonld", "Sample-CertOfPart-unsigned.jsonld"):
        sample = json.loads((reference_dir / "elm" / "samples" / "ec" / name).read_text("utf-8"))
        assert expand(sample)  # raises on an unknown context or any dropped term
