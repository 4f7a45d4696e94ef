"""Rendering is the optional extra `microcred[render]`: the core does not need Pillow, and
the EDC issuing path asks for the extra with a typed error when it is missing."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from microcred.bindings.edc import Display, EDCIssuer, to_edc
from microcred.display.page import A4_PAGE_SIZE
from microcred.errors import MissingDependencyError
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[2]


def _mc() -> MicroCredential:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    return MicroCredential.parse(data)


def test_pillow_is_in_the_render_extra_not_the_core() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert not any(d.lower().startswith("pillow") for d in project["dependencies"])
    render = {d.split(">")[0].lower() for d in project["optional-dependencies"]["render"]}
    assert {"pillow", "fpdf2", "segno", "fonttools"} <= render
    assert "microcred[render]" in project["optional-dependencies"]["test"]


def test_verifying_loads_no_imaging_library() -> None:
    code = (
        "import sys, microcred.bindings.edc, microcred.display.render;"
        "from microcred import verify;"
        "print(sorted(m for m in ('PIL', 'fpdf', 'segno', 'fontTools') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("missing", ["PIL", "fontTools"])
def test_issuing_an_edc_without_the_extra_names_it(
    missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # `import PIL` now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'microcred\[render\]'") as e:
        to_edc(_mc(), issuer=EDCIssuer("VATES-A00000000", "ES"), issued=datetime.now(UTC))
    assert e.value.code == "MISSING_DEPENDENCY"


def test_edc_pages_are_a4_with_the_issuers_logo() -> None:
    import base64
    import io

    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (200, 80), (0, 51, 153)).save(logo, format="PNG")
    issuer = EDCIssuer("VATES-A00000000", "ES")
    moment = datetime(2025, 7, 1, tzinfo=UTC)
    plain = to_edc(_mc(), issuer=issuer, issued=moment, display=Display(languages=("en", "de")))
    branded = to_edc(
        _mc(),
        issuer=issuer,
        issued=moment,
        display=Display(languages=("en", "de"), logo=logo.getvalue()),
    )

    def pages(edc: dict[str, object]) -> list[bytes]:
        shown = edc["displayParameter"]["individualDisplay"]  # type: ignore[index]
        return [base64.b64decode(d["displayDetail"][0]["image"]["content"]) for d in shown]

    english, german = pages(plain)
    assert english != german
    assert Image.open(io.BytesIO(english)).size == A4_PAGE_SIZE
    assert pages(branded)[0] != english
