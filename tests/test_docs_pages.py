"""Every ```python block of README.md and docs/*.md runs: each page's blocks in order, in one
namespace, as a reader would run them from a copy of the project's examples, printing what the
page says they print. A block is left out only when its fence is titled "not run by the tests"
with the reason, and SKIPPED lists each such block."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import textwrap
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
PAGES = ["README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]

# A fence "```python" followed by an optional info string (e.g. title="..."), closed at the
# same indentation (blocks inside list items are indented).
FENCE = re.compile(r"^([ \t]*)```python([^\n]*)\n(.*?)^\1```[ \t]*$", re.DOTALL | re.MULTILINE)

# (page, index of the block among the page's python blocks): why it cannot run here.
SKIPPED = {
    ("docs/jades.md", 2): "needs your TSA (a network service)",
    ("docs/scale.md", 2): "needs ray",
    ("docs/scale.md", 3): "needs pyspark",
}

# Files a page tells its reader to have in the working directory: the EC's EDC sample and
# SHACL shapes, 1EdTech's OB3 schema (copied from the shared reference material).
FILES = {
    "docs/edc.md": [
        "elm/samples/ec/Sample-MC-Annex1-unsigned.jsonld",
        "elm/shacl/3.2/EDC-generic-full.ttl",
        "elm/shacl/3.2/EDC-generic-no-cv.ttl",
    ],
    "docs/ob3.md": ["ob3/1edtech-schema/ob_v3p0_achievementcredential_schema.json"],
}


@dataclass
class Page:
    found: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)  # per executed block
    namespace: dict[str, object] = field(default_factory=dict)
    error: str | None = None

    @property
    def executed(self) -> int:
        return len(self.printed)


def _blocks(page: str) -> list[tuple[str, str]]:
    """(info string, dedented code) of every ```python block of `page`."""
    text = (ROOT / page).read_text(encoding="utf-8")
    return [(info.strip(), textwrap.dedent(code)) for _, info, code in FENCE.findall(text)]


def _run(page: str, work: Path) -> Page:
    result = Page()
    blocks = _blocks(page)
    result.found = len(blocks)
    missing = [name for name in FILES.get(page, []) if not (REFERENCE / name).is_file()]
    if missing:
        result.error = f"SKIP: the shared reference material is absent: {missing}"
        return result
    shutil.copytree(ROOT / "docs" / "examples", work / "docs" / "examples")
    for name in FILES.get(page, []):
        shutil.copy(REFERENCE / name, work)
    before = Path.cwd()
    os.chdir(work)
    try:
        for index, (info, code) in enumerate(blocks):
            if info:
                result.skipped.append((index, info))
                continue
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"{page} python block {index}", "exec"), result.namespace)
            result.printed.append(out.getvalue())
    except Exception:
        result.error = traceback.format_exc()
    finally:
        os.chdir(before)
    return result


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Page]]:
    done: dict[str, Page] = {}
    for page in PAGES:
        done[page] = _run(page, tmp_path_factory.mktemp(Path(page).stem))
    yield done


def _page(pages: dict[str, Page], name: str) -> Page:
    page = pages[name]
    if page.error and page.error.startswith("SKIP: "):
        pytest.skip(page.error[6:])
    assert page.error is None, page.error
    return page


def test_every_python_block_runs_but_the_listed_ones(pages: dict[str, Page]) -> None:
    for name in pages:
        _page(pages, name)
    found = sum(page.found for page in pages.values())
    executed = sum(page.executed for page in pages.values())
    skipped = {(name, index): info for name, page in pages.items() for index, info in page.skipped}
    assert set(skipped) == set(SKIPPED), skipped
    for key, reason in SKIPPED.items():
        assert "not run by the tests" in skipped[key].lower() and reason in skipped[key], key
    print(f"executed {executed} of {found} python blocks ({len(SKIPPED)} skipped: {SKIPPED})")
    assert executed == found - len(SKIPPED), f"executed {executed} of {found} python blocks"
    assert executed >= 40, f"executed {executed} of {found} python blocks"


def test_readme(pages: dict[str, Page]) -> None:
    page = _page(pages, "README.md")
    assert page.found == 3
    assert page.printed[0].startswith("True\n")  # the quickstart credential verifies
    assert page.printed[0].endswith("True\nTrue\n")  # as a vc+jwt, and under the EU profile
    assert "too_short" in page.printed[1]
    assert page.printed[2] == "True\n"  # the ECDSA-signed document under a pinned context


def test_keys_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/keys.md")
    assert page.found == 6
    printed = "".join(page.printed)
    assert "did:key:z6Mk" in printed  # the verification method a KeyPair signs for
    assert "DER-encoded ECDSA signature" in printed and "ecdsa_der_to_raw" in printed
    credential = page.namespace["credential"]
    assert isinstance(credential, dict)
    assert credential["issuer"]["id"] == "did:web:university.example"


def test_testing_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/testing.md")
    assert page.found == 5
    lines = "".join(page.printed).splitlines()
    assert lines[0].startswith("did:key:z6MkryyLaFix8nd3")
    assert lines[1] == "('tampered-name.json', False, ['PROOF_VERIFICATION_ERROR'])"
    assert lines[2] == "warning ['Annex I element M6 (learning outcomes) is missing']"
    assert lines[3] == "failed ['M1', 'M2', 'M3']" and lines[4] == "16"


def test_index_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/index.md")
    assert page.found == 1
    credential = page.namespace["credential"]
    assert isinstance(credential, dict) and "proof" in credential


def test_jose_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/jose.md")
    assert page.found == 3
    result = page.namespace["result"]
    assert getattr(result, "verified", False) is True  # the vp+jwt of the presentation block


def test_eudi_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/eudi.md")
    assert page.found == 2
    seen = page.namespace["seen"]
    assert seen is not None and "learner" not in seen  # type: ignore[operator]


def test_verifying_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/verifying.md")
    assert page.printed == ["True passed\n", "True True\n"]  # a credential, a presentation


def test_presentations_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/presentations.md")
    lines = page.printed[0].splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "verifiableCredential[0]",
        "verifiableCredential[1]",
    ]
    assert all(line.endswith(" True []") for line in lines)
    assert getattr(page.namespace["result"], "verified", False) is True  # did:key, no fetch
    assert page.printed[2] == "True\n"  # the did:web credential, its DID document served


def test_status_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/status.md")
    assert page.printed == [
        "True passed\nFalse ['CREDENTIAL_REVOKED']\n",
        "['CREDENTIAL_REVOKED']\n",  # read from the status directory
    ]


def test_scale_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/scale.md")
    assert page.found == 6 and page.executed == 4  # Ray and Spark need software not here
    assert page.printed[0] == "8 Issued\n"
    assert len(page.namespace["outcomes"]) == 8  # type: ignore[arg-type]  # through Dask
    lines = page.printed[2].splitlines()
    assert len(lines) == 8 and all(line.endswith(" True") for line in lines)
    assert page.printed[3] == "8 of 8 verified\n"  # the same documents, in worker processes


def test_edc_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/edc.md")
    assert page.found == 4
    assert page.printed[2] == "LangText({'en': 'Digital micro-credential creation'})\n"
    assert page.printed[3] == "True\n"  # SHACL: the generic profile holds


def test_jades_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/jades.md")
    assert page.found == 4 and page.executed == 3  # the TSA recipe needs a network service
    assert page.printed[1].endswith("revocation skipped []\nTrue\n")
    assert page.printed[2] == "passed\n"  # the plugged-in revocation validator decided


def test_ob3_md(pages: dict[str, Page]) -> None:
    page = _page(pages, "docs/ob3.md")
    assert page.printed == ["True passed\n", "", "True passed\n"]  # a badge (schema), a CLR
