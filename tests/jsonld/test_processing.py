"""Our Context Processing (jsonld.processing) against pyld's, the test oracle.

For every bundled context, alone and after the VC 2.0 context, and for every scoped
context its terms carry (property-scoped and type-scoped): our active context must equal
pyld's (term definitions, @vocab, @language, the previous context), or we must decline.
Then the direct path reads every test credential the same with either processor, and
verifying a credential on the direct path does not import pyld.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from microcred import KeyPair, api
from microcred.errors import MicrocredError
from microcred.jsonld import compacted, rdfc
from microcred.jsonld.contexts import ActiveContexts, pyld_options
from microcred.jsonld.loader import BundledLoader, pinned_contexts
from microcred.jsonld.processing import Unsupported, initial_context, process_context
from tests.jsonld.test_compacted import _reference_documents, _urls

ROOT = Path(__file__).resolve().parents[2]
LOADER = BundledLoader()
PINNED = sorted(pinned_contexts(LOADER))
V2 = "https://www.w3.org/ns/credentials/v2"


def _load(url: str) -> Any:
    return LOADER(url)["document"]


def _view(ctx: Any, depth: int = 0) -> dict[str, Any]:
    """What a reader sees of an active context (not pyld's cache keys)."""
    view = {k: ctx[k] for k in ("@vocab", "@language", "@base", "@version") if k in ctx}
    view["mappings"] = {term: dict(m) if m else m for term, m in ctx["mappings"].items()}
    view["processingMode"] = ctx.get("processingMode")
    previous = ctx.get("previousContext")
    view["previous"] = _view(previous, depth + 1) if previous and depth < 3 else bool(previous)
    return view


def _pyld(active: Any, local: Any, *, propagate: bool, override: bool) -> Any:
    options = pyld_options(LOADER)
    return jsonld.JsonLdProcessor()._process_context(
        active, local, options, override_protected=override, propagate=propagate
    )


def _both(active: tuple[Any, Any], local: Any, *, propagate: bool, override: bool) -> Any:
    """Process with both; equal results, or ours declines. Returns both results (or None)."""
    try:
        theirs = _pyld(active[1], local, propagate=propagate, override=override)
    except Exception:  # pyld refuses: ours must not accept
        with pytest.raises(Exception):  # noqa: B017
            process_context(active[0], local, _load, propagate=propagate, override=override)
        return None
    try:
        ours = process_context(active[0], local, _load, propagate=propagate, override=override)
    except Unsupported:
        return None
    assert _view(ours) == _view(theirs)
    return ours, theirs


def _initial() -> tuple[Any, Any]:
    options = pyld_options(LOADER)
    return initial_context(), jsonld.JsonLdProcessor()._get_initial_context(options)


@pytest.mark.parametrize("url", PINNED)
@pytest.mark.parametrize("after_v2", [False, True])
def test_every_bundled_context_and_its_scoped_contexts(url: str, after_v2: bool) -> None:
    start = _initial()
    if after_v2:
        start = _both(start, [V2], propagate=True, override=False)
        assert start is not None
    top = _both(start, [url], propagate=True, override=False)
    if url in (V2, "https://w3id.org/microcred/v1"):
        assert top is not None, "the contexts of every demo credential are ours to process"
    if top is None:
        return
    scoped = 0
    for mapping in top[1]["mappings"].values():
        if mapping and mapping.get("@context") is not None and "@context" in mapping:
            local = mapping["@context"]
            for propagate, override in ((True, True), (False, False)):
                derived = _both(top, local, propagate=propagate, override=override)
                scoped += derived is not None
                if derived is not None:  # and one level further (types inside a property)
                    for inner in derived[1]["mappings"].values():
                        if inner and isinstance(inner.get("@context"), dict):
                            _both(derived, inner["@context"], propagate=False, override=False)
    assert scoped or not any(m and "@context" in m for m in top[1]["mappings"].values())


@pytest.mark.parametrize(
    "local",
    [
        {"issuer": "https://example.org/not-issuer"},  # a protected term redefined
        {"@vocab": "https://example.org/"},
        {"x": {"@id": "https://example.org/x", "@container": "@index"}},
        {"x": {"@reverse": "https://example.org/x"}},
        {"x": "y:z", "y": "x:w"},
        None,
        {"x": {"@id": "https://example.org/x", "@type": "_:b"}},
    ],
)
def test_inline_contexts_agree_or_decline(local: Any) -> None:
    start = _both(_initial(), [V2], propagate=True, override=False)
    assert start is not None
    _both(start, [local], propagate=True, override=False)


def _local_documents() -> list[tuple[str, Any]]:
    demo = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    signed = api.issue(demo, key=KeyPair.generate("Ed25519"))
    proof = {"@context": signed["@context"], **signed["proof"]}
    found = [("issued demo", signed), ("its proof configuration", proof)]
    for path in sorted(ROOT.glob("tests/data/**/*.json")):
        document = json.loads(path.read_text("utf-8"))
        if isinstance(document, dict) and "@context" in document:
            found.append((str(path.relative_to(ROOT)), document))
    return found


def _read(document: Any, pyld_only: bool, pinned: Any = None) -> str:
    loader = BundledLoader(pinned) if pinned is not None else BundledLoader()
    loader.memo[ActiveContexts] = ActiveContexts(loader, pyld_only=pyld_only)
    try:
        return rdfc.canonicalize(compacted.to_rdf(document, loader))
    except MicrocredError as error:
        return f"refused: {error.code} at {error.path}"


def _assert_read_alike(documents: list[tuple[str, Any]], pinned: Any = None) -> int:
    read = 0
    for name, document in documents:
        ours, theirs = _read(document, False, pinned), _read(document, True, pinned)
        assert ours == theirs, name
        read += not ours.startswith("refused")
    return read


def test_direct_path_reads_our_credentials_alike() -> None:
    assert _assert_read_alike(_local_documents()) >= 2


def test_direct_path_reads_every_reference_document_alike(
    reference_dir: Path, reference_loader: Any
) -> None:
    """Every JSON-LD document in ../shared/reference, its contexts pinned: the same
    N-Quads (or the same refusal, code and path) with our processing as with pyld's."""
    pinned = {url: reference_loader(url)["document"] for url in _urls(reference_loader)}
    documents = _reference_documents(reference_dir)
    assert _assert_read_alike(documents, pinned) > len(documents) // 3


def test_verify_on_the_direct_path_does_not_import_pyld(tmp_path: Path) -> None:
    demo = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(api.issue(demo, key=KeyPair.generate("Ed25519"))))
    code = (
        "import json, sys; from microcred import verify;"
        f"r = verify(json.load(open({str(path)!r})));"
        "assert r.verified, r; assert 'pyld' not in sys.modules, 'pyld imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_keywords_are_pylds() -> None:
    from microcred.jsonld import processing

    assert set(jsonld.KEYWORDS) == processing._KEYWORDS
