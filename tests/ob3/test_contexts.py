"""The bundled OB3 and CLR contexts are 1EdTech's files byte for byte (the SHA-256 that
../shared/reference/ob3/SOURCES.md lists), and our OB3 extension context stays additive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.jsonld.loader import BundledLoader

CONTEXTS = Path(__file__).resolve().parents[2] / "contexts"
FROM_REFERENCE = {
    "ob-v3p0-context-3.0.0.json": "1edtech-validator/contexts/ob-v3p0.json",
    "ob-v3p0-context-3.0.1.json": "1edtech-spec/contexts/ob-v3p0-context-3.0.1.json",
    "ob-v3p0-context-3.0.2.json": "1edtech-spec/contexts/ob-v3p0-context-3.0.2.json",
    "ob-v3p0-context-3.0.3.json": "1edtech-spec/contexts/ob-v3p0-context-3.0.3.json",
    "ob-v3p0-extensions.json": "1edtech-validator/contexts/ob-v3p0-extensions.json",
    "clr-v2p0-context-2.0.0.json": "1edtech-validator/contexts/clr-v2p0.json",
    "clr-v2p0-context-2.0.1.json": "1edtech-validator/contexts/clr-v2p0-2.0.1.json",
}


@pytest.mark.parametrize(("ours", "theirs"), sorted(FROM_REFERENCE.items()))
def test_byte_identical_to_the_1edtech_file(samples: Path, ours: str, theirs: str) -> None:
    assert (CONTEXTS / ours).read_bytes() == (samples / theirs).read_bytes()


def test_our_extension_is_protected_and_defines_one_term() -> None:
    context = BundledLoader()("https://w3id.org/microcred/ob3/v1")["document"]["@context"]
    assert context["@protected"] is True and context["@version"] == 1.1
    terms = {k for k in context if not k.startswith("@")}
    assert terms == {"euMicroCredential"}
    ob3 = json.loads((CONTEXTS / "ob-v3p0-context-3.0.3.json").read_text("utf-8"))["@context"]
    assert not terms & set(ob3)
