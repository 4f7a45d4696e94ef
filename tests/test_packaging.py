"""The wheel ships what the code reads at run time: contexts, examples, data tables, py.typed;
the sdist is the project as a clone has it (tests, docs, benchmarks), built without warnings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_explicit_package_list_matches_the_source_tree() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    on_disk = {
        ".".join(path.parent.relative_to(ROOT / "src").parts)
        for path in (ROOT / "src" / "microcred").rglob("__init__.py")
    }
    mapped = set(config["package-dir"]) - {""}
    assert set(config["packages"]) == on_disk | mapped


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("microcred-*.whl")
    return built


def test_the_wheel_holds_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "microcred/py.typed",
        "microcred/contexts/index.json",
        "microcred/examples/microcredential.json",
        "microcred/data/annex-i.json",
    }
    expected |= {f"microcred/contexts/{p.name}" for p in (ROOT / "contexts").glob("*.jsonld")}
    expected |= {
        f"microcred/{p.relative_to(ROOT / 'src' / 'microcred').as_posix()}"
        for p in (ROOT / "src" / "microcred" / "data").rglob("*")
        if p.is_file() and p.suffix in {".json", ".csv"}
    }
    assert expected <= names, sorted(expected - names)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_an_installed_wheel_serves_the_bundled_contexts(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import microcred, json;"
        "from microcred.jsonld.loader import BundledLoader, bundled_context_urls;"
        "from importlib import resources;"
        "print(json.dumps([microcred.__file__, len(bundled_context_urls()),"
        " BundledLoader()('https://w3id.org/microcred/v1')['documentUrl'],"
        " resources.files('microcred.examples').joinpath('microcredential.json').is_file()]))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    path, count, url, example = json.loads(done.stdout)
    assert path.startswith(str(target)), "the wheel's copy, not the source tree, was imported"
    assert count >= 10 and url == "https://w3id.org/microcred/v1" and example


def test_the_sdist_holds_tests_docs_and_benchmarks_and_builds_without_warnings(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    setuptools_warnings = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if (
            line.lower().startswith("warning:")
            and "Location" not in line  # pip's index notes
            and "no previously-included files matching" not in line  # an exclude with no work
        )
        or "Warning:" in line
    ]
    assert not setuptools_warnings, setuptools_warnings
    [sdist] = tmp_path.glob("microcred-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        modes = {m.name.split("/", 1)[1]: m.mode for m in archive.getmembers() if "/" in m.name}
    on_disk = {
        path.relative_to(ROOT).as_posix()
        for folder in ("tests", "docs", "benchmarks")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert on_disk <= names, sorted(on_disk - names)[:5]
    assert {"CHANGELOG.md", "LICENSE", "README.md", "pyproject.toml"} <= names
    assert modes[".ci/run"] & 0o111  # executable, as test_readme wants it
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


IN_ARTIFACT_RUN = "MICROCRED_ARTIFACT_RUN"  # set inside the sdist's own run: no recursion
WALLET_TEST = """
from hypothesis import given, settings
from microcred import verify
from microcred.testing.strategies import signed_credentials, tampered


def test_fixtures(microcred_key, microcred_credential, microcred_verifier):
    assert microcred_credential["issuer"]["id"] == microcred_key.did
    assert microcred_verifier.verify(microcred_credential).verified


@settings(max_examples=3, deadline=None)
@given(signed_credentials(suites=["eddsa-rdfc-2022"]).flatmap(tampered))
def test_strategies(credential):
    assert not verify(credential).verified
"""


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with nothing of this checkout in it."""
    if os.environ.get(IN_ARTIFACT_RUN):
        pytest.skip("already inside the sdist's own test run")
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv / "bin" / "python"


def _pip(python: Path, *args: str) -> None:
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *args], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_wheel_in_a_fresh_venv_serves_another_project_s_tests(
    wheel: Path, fresh_venv: Path, tmp_path: Path
) -> None:
    """Issue 17: pip install the wheel, then a test folder elsewhere using only the plugin's
    fixtures and the strategies passes."""
    _pip(fresh_venv, f"{wheel}[testing]")
    (tmp_path / "test_wallet.py").write_text(WALLET_TEST, encoding="utf-8")
    done = subprocess.run(
        [str(fresh_venv), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_wallet.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout + done.stderr
    where = subprocess.run(
        [str(fresh_venv), "-c", "import microcred; print(microcred.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(ROOT) not in where.stdout  # the wheel's copy, not this checkout


def test_the_unpacked_sdist_passes_its_own_tests(fresh_venv: Path, tmp_path: Path) -> None:
    """Issue 17: download-style sdist, unpacked, installed with its test extras: its tests
    pass (those that need ../shared/reference or a git clone skip, as they say)."""
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        check=True,
    )
    [sdist] = tmp_path.glob("microcred-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    [source] = (tmp_path / "unpacked").iterdir()
    _pip(fresh_venv, f"{source}[test,docs]")
    done = subprocess.run(
        [str(fresh_venv), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=1800,
        # no __pycache__ written into the unpacked tree: its own sdist test rebuilds it
        env={**os.environ, IN_ARTIFACT_RUN: "1", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    tail = done.stdout[-3000:]
    failures = done.stdout.partition("= FAILURES =")[2][:4000]
    assert done.returncode == 0, failures + tail + done.stderr[-2000:]
    assert re.search(r"\d+ passed", tail), tail
