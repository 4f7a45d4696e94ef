"""The words around a credential in the 24 EU languages: every caption, Annex I element,
check name and phrase in every language; a plain-words explanation of every problem code the
library can emit (the codes are read from the source tree, not listed by hand)."""

from __future__ import annotations

import ast
import json
import re
import sys
from importlib import resources
from pathlib import Path

import pytest

from microcred.display import CAPTION_KEYS, EU_LANGUAGES, describe
from microcred.display.localisation import Localisation, problem_actions, table
from microcred.errors import MissingDependencyError
from microcred.verification.eu_standard import annex_i_elements

SRC = Path(__file__).resolve().parents[2] / "src" / "microcred"
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
NOT_CODES = {
    "MICROCRED_KEY_PASSWORD": "the environment variable naming a key's password",
    "MICROCRED_FONT_PATH": "the environment variable naming font folders",
    "MICROCRED_PYLD_CONTEXTS": "the environment variable making pyld process every context",
}
"""Upper-case strings in the source that are no problem code, and why."""


def _module_names(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level assigned names -> their value (`X = ...`, `X: T = ...`)."""
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            found.update({t.id: node.value for t in node.targets if isinstance(t, ast.Name)})
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            found[node.target.id] = node.value
    return found


def source_codes() -> set[str]:
    """Every SCREAMING_SNAKE string constant in src/microcred that is not a name in
    `__all__`, not the name of a module-level constant holding something else (a table, a
    tuple: `SECURING_MECHANISMS`) and not in NOT_CODES: the problem codes."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SRC.rglob("*.py")}
    defined: set[str] = set()
    for tree in trees.values():
        for name, value in _module_names(tree).items():
            if not (isinstance(value, ast.Constant) and value.value == name):
                defined.add(name)
    found: set[str] = set()
    for tree in trees.values():
        skip = {
            id(n)
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for n in ast.walk(node.value)
        }
        found |= {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _CODE.match(node.value)
            and id(node) not in skip
        }
    return {c for c in found if c not in NOT_CODES and c not in defined}


def source_check_names() -> set[str]:
    """The name of every Check the source builds (`Check("name", ...)`, `from_problems`)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = ast.unparse(node.func)
            first = node.args[0]
            if (
                func in ("Check", "Check.from_problems", "cls")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.islower()
            ):
                names.add(first.value)
    return names


def test_the_code_list_is_read_for_real() -> None:
    codes = source_codes()
    assert {"PROOF_VERIFICATION_ERROR", "CREDENTIAL_REVOKED", "SHACL_WARNING"} <= codes
    assert "SECURING_MECHANISMS" not in codes and "CAPTION_KEYS" not in codes
    assert len(codes) > 100


def test_every_problem_code_has_an_explanation_in_english() -> None:
    english = table("en")
    missing = sorted(c for c in source_codes() if c not in english["problems"])
    assert not missing, f"problem codes without a plain-words explanation: {missing}"
    no_action = sorted(c for c in source_codes() if c not in problem_actions())
    assert not no_action, f"problem codes without an action: {no_action}"
    assert set(problem_actions().values()) <= set(english["actions"])


@pytest.mark.parametrize("language", EU_LANGUAGES)
def test_every_problem_code_is_explained_in(language: str) -> None:
    words = table(language)
    missing = sorted(c for c in source_codes() | {"UNKNOWN"} if c not in words["problems"])
    assert not missing, f"{language}: {missing}"
    assert set(words["actions"]) == set(table("en")["actions"])
    if language != "en":  # translated, not English copied under another language's name
        english = table("en")
        same = [c for c, text in words["problems"].items() if text == english["problems"][c]]
        assert not same, f"{language}: {same}"


_API_NAME = re.compile(r"`|_|\(\)|--|\b[a-z]{3,}[A-Z]\w*|\b[A-Z][a-z]+[A-Z]\w*")
"""What an API name looks like (`KeyResolver`, `verify()`, `--did-document`, `key_id`,
`keyResolver`); Irish initial mutations (`nDintiúr`, `bhFoirm`) are words."""


@pytest.mark.parametrize("language", EU_LANGUAGES)
def test_explanations_are_plain_words(language: str) -> None:
    words = table(language)
    for code, text in {**words.get("problems", {}), **words.get("actions", {})}.items():
        assert not _API_NAME.search(text), (language, code, text)
        assert text.strip() == text and text[-1] in ".!?", (language, code, text)


@pytest.mark.parametrize("language", EU_LANGUAGES)
def test_every_caption_element_check_and_phrase_exists(language: str) -> None:
    words = table(language)
    english = table("en")
    assert words["language"] == language
    assert set(words["captions"]) == set(CAPTION_KEYS)
    assert set(words["elements"]) == {e["id"] for e in annex_i_elements()}
    assert set(words["checks"]) >= source_check_names()
    assert set(words["checks"]) == set(english["checks"])
    assert set(words["phrases"]) == set(english["phrases"])
    for kind in ("captions", "elements", "checks", "phrases"):
        for key, text in words[kind].items():
            assert text.strip() and text == text.strip(), (language, kind, key)
            placeholders = set(re.findall(r"{(\w+)}", english[kind][key]))
            assert set(re.findall(r"{(\w+)}", text)) == placeholders, (language, kind, key)


def test_irish_is_irish() -> None:
    """The page that was byte-identical to English but labelled Irish (issue 16)."""
    words = Localisation.negotiate(("ga",))
    english = Localisation.negotiate(("en",))
    for key in CAPTION_KEYS:
        ga, en = words.caption(key), english.caption(key)
        assert ga.language == "ga" and not ga.fallback
        assert ga.text != en.text, key


def test_a_language_without_a_translation_falls_back_to_english_marked() -> None:
    words = Localisation.negotiate(("sl",))
    explained = words.explain("CREDENTIAL_REVOKED")
    if "CREDENTIAL_REVOKED" in table("sl").get("problems", {}):
        assert explained.language == "sl"
    else:
        assert (explained.language, explained.fallback) == ("en", True)
    unknown = Localisation.negotiate(("zh", "ja"))
    assert (unknown.language, unknown.fallback) == ("en", True)
    assert unknown.caption("title").fallback
    assert words.explain("NO_SUCH_CODE") == words.explain("UNKNOWN")


def test_the_tables_name_their_sources() -> None:
    notes = (resources.files("microcred") / "data" / "display" / "SOURCES.md").read_text("utf-8")
    for language in EU_LANGUAGES:
        assert f"`{language}.json`" in notes
    data = json.loads(
        (resources.files("microcred") / "data" / "display" / "problem-actions.json").read_text()
    )
    assert data["source"]


def test_without_babel_describe_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "babel" or m.startswith("babel.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "babel", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'microcred\[render\]'"):
        describe({"type": ["VerifiableCredential"], "credentialSubject": {}})
