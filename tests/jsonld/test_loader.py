"""The offline loader: bundled contexts pinned by SHA-256, JSON-equal to the W3C files."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from microcred.errors import UnknownContextError
from microcred.jsonld.loader import BundledLoader, StaticLoader, bundled_context_urls, chain

CONTEXTS = Path(__file__).resolve().parents[2] / "contexts"
REQUIRED = {
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/did/v1",
    "https://www.w3.org/ns/credentials/status/v1",
}


def _index() -> dict[str, dict[str, str]]:
    return json.loads((CONTEXTS / "index.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_required_contexts_are_bundled() -> None:
    assert bundled_context_urls() >= REQUIRED


@pytest.mark.parametrize("url", sorted(_index()))
def test_each_bundled_file_matches_its_pinned_sha256(url: str) -> None:
    entry = _index()[url]
    raw = (CONTEXTS / entry["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    sources = (CONTEXTS / "SOURCES.md").read_text(encoding="utf-8")
    assert url in sources and entry["sha256"] in sources, (
        "contexts/SOURCES.md must list URL and hash"
    )


def test_the_installed_package_serves_the_same_files() -> None:
    """importlib.resources (what the loader uses) sees the files of contexts/."""
    folder = resources.files("microcred.contexts")
    for entry in _index().values():
        assert (folder / entry["file"]).read_bytes() == (CONTEXTS / entry["file"]).read_bytes()


@pytest.mark.parametrize(
    "url", sorted(REQUIRED | {"https://w3id.org/security/suites/ed25519-2020/v1"})
)
def test_bundled_context_is_json_equal_to_the_reference_copy(url: str, reference_dir: Path) -> None:
    """Our npm copies are JSON-equal to the W3C files (or the npm reference where W3C has none)."""
    url_map = json.loads((reference_dir / "contexts" / "url-map.json").read_text(encoding="utf-8"))
    reference = reference_dir / "contexts" / url_map[url]["file"]
    ours = BundledLoader()(url)["document"]
    assert ours == json.loads(reference.read_text(encoding="utf-8"))
    published = _index()[url]["published_sha256"]
    if published is not None:  # the digest we record is the one the official bytes have
        assert hashlib.sha256(reference.read_bytes()).hexdigest() == published


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/ns/credentials/examples/v2",
        "https://example.com/context",
        "http://www.w3.org/ns/credentials/v2",  # http is not https: not the pinned file
        "",
    ],
)
def test_any_other_url_is_refused_naming_it(url: str) -> None:
    with pytest.raises(UnknownContextError) as caught:
        BundledLoader()(url)
    assert caught.value.url == url
    assert caught.value.code == "UNKNOWN_CONTEXT"
    assert repr(url) in str(caught.value)


def test_loaded_documents_are_copies() -> None:
    loader = BundledLoader()
    first = loader("https://www.w3.org/ns/credentials/v2")["document"]
    first["@context"]["id"] = "tampered"
    assert loader("https://www.w3.org/ns/credentials/v2")["document"]["@context"]["id"] == "@id"


def test_chain_adds_urls_but_bundled_ones_win() -> None:
    fake_v2 = {"@context": {"evil": "https://evil.example/"}}
    callers = StaticLoader(
        {
            "https://example.com/ctx": {"@context": {}},
            "https://www.w3.org/ns/credentials/v2": fake_v2,
        }
    )
    loader = chain(BundledLoader(), callers)
    assert loader("https://example.com/ctx")["document"] == {"@context": {}}
    assert "evil" not in loader("https://www.w3.org/ns/credentials/v2")["document"]["@context"]
    with pytest.raises(UnknownContextError):
        loader("https://example.com/other")


def test_extra_documents_can_be_pinned() -> None:
    loader = BundledLoader({"https://example.com/ctx": {"@context": {"a": "https://a.example/"}}})
    assert loader("https://example.com/ctx")["documentUrl"] == "https://example.com/ctx"
