"""describe(): one view of every credential any reader accepts, in en, de, fr and ga, in
which no text claims a language it is not in; a view of a verification result carries each
check's status in plain words."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import MicroCredential, api, verify
from microcred.bindings.edc import is_edc
from microcred.display import CAPTION_KEYS, EU_LANGUAGES, CredentialView, Text, describe
from microcred.display.localisation import _babel_locale, table
from microcred.display.negotiation import UNDETERMINED, lookup
from microcred.errors import MalformedDocumentError
from microcred.keys.keypair import KeyPair
from microcred.model.text import is_language_tag
from microcred.verification.schema import is_ob3
from tests.strategies import micro_credentials

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json").read_text()
)
LANGUAGES = ("en", "de", "fr", "ga")
_SKIP = ("contexts", "schema", "1edtech-schema", "rdf-canon")


def _accepted(document: Any) -> bool:
    """A credential one of our readers takes: an EDC (plain, sealed, upload file), an OB3
    or CLR credential, or a typed VC (ours are read by from_credential, others leniently)."""
    if is_edc(document) or is_ob3(document):
        return True
    if not isinstance(document, Mapping):
        return False
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "credentialSubject" in document and (
        "VerifiableCredential" in types or "ClrCredential" in types
    )


def reference_credentials(root: Path) -> list[tuple[str, Any]]:
    """Every credential file under ../shared/reference a reader accepts (JSON or a JWT)."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or any(part in _SKIP for part in path.relative_to(root).parts):
            continue
        name = str(path.relative_to(root))
        if path.suffix == ".jwt":
            found.append((name, path.read_text(encoding="utf-8").strip()))
        elif path.suffix in (".json", ".jsonld"):
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            if _accepted(document):
                found.append((name, document))
    return found


def texts(value: Any) -> Iterator[Text]:
    """Every Text in a view (fields, entries, checks, captions)."""
    if isinstance(value, Text):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            if f.name != "source":
                yield from texts(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from texts(item)


def _is_map_key(key: str) -> bool:
    return is_language_tag(key) and len(key.split("-")[0]) <= 3


def language_pairs(value: Any, plain: str | None = None) -> set[tuple[str, str]]:
    """(tag, text) of every language map and value object in a credential."""
    out: set[tuple[str, str]] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and node.startswith("{"):  # a seal's unencoded payload
            with contextlib.suppress(ValueError):
                stack.append(json.loads(node))
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, Mapping):
            if "@value" in node and isinstance(node.get("@language"), str):
                out.add((node["@language"], str(node["@value"]).strip()))
            language_map = all(_is_map_key(k) for k in node)
            for key, item in node.items():
                items = item if isinstance(item, list) else [item]
                if language_map:
                    out |= {(key, t.strip()) for t in items if isinstance(t, str)}
                elif isinstance(item, str) and isinstance(plain, str):
                    out.add((plain, item.strip()))
            stack.extend(node.values())
    return out


def _items(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key), item
            yield from _items(item)
    elif isinstance(value, list):
        for item in value:
            yield from _items(item)


def _template(text: str) -> re.Pattern[str]:
    return re.compile(r"(?:\S+ ECTS · )?" + re.sub(r"\\{\w+\\}", ".+", re.escape(text)))


def table_texts(language: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """The fixed texts of a language's tables, and its phrases as patterns."""
    words = table(language)
    fixed = {t for kind in ("captions", "elements", "checks") for t in words[kind].values()}
    fixed |= {
        f"{what} {then}"
        for code, what in words.get("problems", {}).items()
        for then in words.get("actions", {}).values()
    }
    return fixed, [_template(t) for t in words["phrases"].values()]


@cache
def vocabulary_labels() -> frozenset[str]:
    from microcred.model import Concept

    found: set[str] = set()
    stack = list(Concept.__subclasses__())
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        if kind.vocabulary:
            found |= {c.label for c in kind.all()}
    return frozenset(found)


def is_cldr_date(text: str, locale: Locale) -> bool:
    """Whether `text` is made of dates written in `locale` (its month names, the literal
    words of its long date pattern, digits and punctuation) and nothing else."""
    months = {
        name
        for context in ("format", "stand-alone")
        for width in ("wide", "abbreviated")
        for name in locale.months[context][width].values()
    }
    pattern = locale.date_formats["long"].pattern
    words = {w for literal in re.findall(r"'([^']*)'", pattern) for w in literal.split()}
    rest = text
    for name in sorted(months, key=len, reverse=True):
        rest = rest.replace(name, " ")
    leftover = {w for w in re.findall(r"[^\W\d_]+", rest)}
    return bool(re.search(r"\d", text)) and leftover <= {w.strip(".") for w in words}


def assert_honest(view: CredentialView, source: Any, requested: tuple[str, ...]) -> None:
    """No Text claims a language it is not in:
    - a text in a language of our tables is that table's text (a caption, an element or check
      name, a phrase, an explanation), or an EU vocabulary's English label (English only),
      or from the credential's own language map under that
      tag, or CLDR's name of a country or language for that locale, or a date made of that
      locale's month names and digits;
    - `fallback` is set exactly when the tag is none of the requested languages;
    - `und` and None claim no language."""
    pairs = language_pairs(source, None)
    stated = {t for key, t in _items(source) if key == "inLanguage" and isinstance(t, str)}
    for tag in stated:  # OB3 says which language its plain strings are in
        pairs |= language_pairs(source, tag)
    for text in texts(view):
        if text.language in (None, UNDETERMINED):
            assert not text.fallback or text.language is None
            continue
        assert text.fallback == (lookup(requested, [text.language]) is None), text
        primary = text.language.split("-")[0].lower()
        if (text.language, text.text) in pairs:
            continue
        same = {w for tag, t in pairs if tag == text.language for w in t.split()}
        if text.text.split() and set(text.text.split()) <= same:  # given + family name
            continue
        if primary in EU_LANGUAGES:
            fixed, patterns = table_texts(primary)
            if text.text in fixed or any(p.fullmatch(text.text) for p in patterns):
                continue
        if text.language == "en" and text.text in vocabulary_labels():
            continue  # the EU vocabularies' English labels
        locale = _babel_locale([text.language])  # the CLDR locale describe() writes in
        if text.text in locale.territories.values() or text.text in locale.languages.values():
            continue
        assert is_cldr_date(text.text, locale), f"{text} is not known to be in {text.language}"


def test_every_reference_credential_in_four_languages(reference_dir: Path) -> None:
    credentials = reference_credentials(reference_dir)
    formats: dict[str, int] = {}
    for name, credential in credentials:
        for language in LANGUAGES:
            view = describe(credential, languages=(language,))
            assert view.title is not None and view.title.text, (name, language)
            assert set(view.captions) == set(CAPTION_KEYS)
            assert [e.key for e in view.elements][:2] == ["M1", "M2"]
            source = view.source if isinstance(view.source, Mapping) else {}
            assert_honest(view, source, (language,))
        formats[view.format] = formats.get(view.format, 0) + 1
    print(f"{len(credentials)} reference credentials described in {LANGUAGES}: {formats}")
    assert len(credentials) >= 150, "the reference folders hold fewer credentials than before"
    assert {"edc", "ob3", "clr", "vc", "vc+jwt"} <= set(formats)


def test_the_ec_sample_in_irish_and_austrian_german(reference_dir: Path) -> None:
    sample = json.loads(
        (reference_dir / "elm" / "samples" / "ec" / "Sample-MC-Annex1-signed.jsonld").read_text()
    )
    irish = describe(sample, languages="ga")
    assert irish.language == "ga" and irish.format == "edc"
    assert irish.title == Text("Digital micro-credential creation", "en", True)
    assert irish.country == Text("Éire", "ga", False)
    assert irish.captions["learning_outcomes"] == Text("Torthaí foghlama", "ga", False)
    german = describe(sample, languages=("de-AT", "en"))
    assert german.language == "de"
    assert german.title == Text("Digital micro-credential creation", "en", False)
    assert german.issued == Text("31. Dezember 2022", "de-AT", False)
    assert german.workload == Text("2 ECTS · 60 Stunden", "de", False)
    m9 = next(e for e in german.elements if e.key == "M9")
    assert m9.values[0] == Text("artefact assessment", "en", False)  # the EDC's own label


@settings(max_examples=25, deadline=None)
@given(micro_credentials(), st.lists(st.sampled_from((*EU_LANGUAGES, "zz")), max_size=3))
def test_our_model_in_any_language(mc: MicroCredential, requested: list[str]) -> None:
    view = describe(mc, languages=requested)
    assert_honest(view, mc.dump(), tuple(requested) or ("en",))
    assert view.title is not None and view.learner is not None and view.issued is not None
    for entry in view.elements:
        if entry.key in ("M2", "M4", "M5", "M6", "M7", "M9", "M10", "M11"):
            assert entry.values, entry.key


@pytest.fixture(scope="module")
def signed() -> tuple[dict[str, Any], KeyPair]:
    key = KeyPair.generate("Ed25519")
    return api.issue(EXAMPLE, key=key), key


def test_a_view_of_a_verification_result_carries_each_check(
    signed: tuple[dict[str, Any], KeyPair],
) -> None:
    credential, _ = signed
    result = verify(credential)
    assert result.verified
    view = describe(result, languages=("fr",))
    assert view.verdict is not None and view.verdict.verified
    assert view.verdict.headline == Text("Vérifié", "fr", False)
    assert [(c.name, c.status) for c in view.verdict.checks] == [
        (c.name, c.status.value) for c in result
    ]
    assert view.title == Text(EXAMPLE["title"]["en"], "en", True)  # no French title
    assert next(c for c in view.verdict.checks if c.name == "proof").caption.text == "Signature"
    assert describe(credential).verdict is None  # a credential alone: not verified yet


def test_a_failed_result_shows_its_explanations_with_the_credential(
    signed: tuple[dict[str, Any], KeyPair],
) -> None:
    credential, _ = signed
    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["hasClaim"]["title"] = {"en": "Forged"}
    result = verify(tampered)
    assert not result.verified and result.document is None
    view = describe(tampered, languages="ga", result=result)
    assert view.verdict is not None and not view.verdict.verified
    assert view.verdict.headline == Text("Gan fíorú", "ga", False)
    proof = next(c for c in view.verdict.checks if c.name == "proof")
    assert proof.status == "failed" and proof.explanations
    assert all(t.language == "ga" and not t.fallback for t in proof.explanations)
    assert_honest(view, tampered, ("ga",))
    alone = describe(result, languages="ga")  # no document: the verdict only
    assert alone.format == "unknown" and alone.title is None and alone.verdict is not None


def test_tokens_and_models(signed: tuple[dict[str, Any], KeyPair]) -> None:
    _, key = signed
    mc = MicroCredential.parse(EXAMPLE)
    assert describe(mc, languages="de").title == Text(EXAMPLE["title"]["de"], "de", False)
    token = api.issue(EXAMPLE, key=key, format="vc+jwt")
    view = describe(token, languages="de")
    assert view.format == "vc+jwt" and view.title == Text(EXAMPLE["title"]["de"], "de", False)
    assert view.source == token
    holder = KeyPair.generate("P-256")
    sd_jwt = api.issue(EXAMPLE, key=key, format="dc+sd-jwt", holder_key=holder)
    view = describe(sd_jwt, languages="ga")
    assert view.format == "dc+sd-jwt" and view.learner == Text("Ana Andromeda", "en", True)
    with pytest.raises(MalformedDocumentError, match=r"describe\(\) reads a credential"):
        describe(42)
