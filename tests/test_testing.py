"""microcred.testing: fixed keys, the conformance corpus and its command, the strategies, and
the pytest plugin as another project sees it (a test folder that uses only the fixtures)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred import KeyPair, api
from microcred.cli import main
from microcred.errors import InvalidKeyError, InvalidOptionError
from microcred.testing import TEST_KEY_TYPES, test_key
from microcred.testing.corpus import (
    CORPUS_NOW,
    build_corpus,
    bundled_corpus,
    load_cases,
    run_corpus,
    write_corpus,
)
from microcred.testing.strategies import micro_credentials, signed_credentials, tampered

FAR_FUTURE = datetime(2089, 1, 1, tzinfo=UTC)


def test_the_test_keys_are_derived_from_their_fixed_strings() -> None:
    derived = {
        "Ed25519": KeyPair(
            ed25519.Ed25519PrivateKey.from_private_bytes(
                hashlib.sha256(b"microcred.testing Ed25519").digest()
            )
        ),
        "P-256": KeyPair(
            ec.derive_private_key(
                int.from_bytes(hashlib.sha256(b"microcred.testing P-256").digest(), "big"),
                ec.SECP256R1(),
            )
        ),
        "P-384": KeyPair(
            ec.derive_private_key(
                int.from_bytes(hashlib.sha384(b"microcred.testing P-384").digest(), "big"),
                ec.SECP384R1(),
            )
        ),
    }
    assert set(TEST_KEY_TYPES) == set(derived)
    for key_type, key in derived.items():
        assert test_key(key_type).export_secret_multikey() == key.export_secret_multikey()
    assert test_key("p256") is test_key("P-256")
    with pytest.raises(InvalidKeyError, match="unsupported key type 'RSA'"):
        test_key("RSA")


def test_the_bundled_corpus_is_what_build_corpus_makes() -> None:
    files = build_corpus()
    shipped = {p.name: p.read_text("utf-8") for p in Path(str(bundled_corpus())).iterdir()}
    assert files == shipped  # signing is deterministic: anyone can rebuild and compare
    now, cases = load_cases()
    assert now == CORPUS_NOW and len(cases) == len(files) - 1
    assert {c.verified for c in cases} == {True, False}


def test_microcred_passes_its_corpus_and_a_lax_verifier_does_not() -> None:
    outcomes = run_corpus()
    assert outcomes and all(o.ok for o in outcomes), [o for o in outcomes if not o.ok]

    class Lax:
        verified, codes = True, frozenset[str]()

    failed = [o for o in run_corpus(verifier=lambda document, now: Lax()) if not o.ok]
    assert {o.case.file for o in failed} == {c.file for c in load_cases()[1] if not c.verified}


def test_microcred_conformance_prints_expected_against_got(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["conformance"]) == 0
    out, err = capsys.readouterr()
    assert "tampered-name.json" in out and err.endswith("10 of 10 verdicts as expected\n")
    assert "  ok   not verified PROOF_MISSING -> not verified PROOF_MISSING\n" in out
    folder = tmp_path / "corpus"
    write_corpus(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["cases"][0]["verified"] = False  # a wrong expectation: the run must say so
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert main(["conformance", str(folder), "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in rows].count(False) == 1 and rows[0]["got"]["verified"] is True
    shutil.rmtree(folder)
    folder.mkdir()
    assert main(["conformance", str(folder)]) == 2
    assert "no readable manifest.json" in capsys.readouterr().err


def test_load_cases_refuses_a_path_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "now": "2026-01-01T00:00:00Z",
                "cases": [{"file": "../x", "verified": True, "codes": []}],
            }
        )
    )
    with pytest.raises(InvalidOptionError, match="malformed"):
        load_cases(tmp_path)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_signed_credentials_verify_and_every_tampered_copy_fails(data: st.DataObject) -> None:
    credential = data.draw(signed_credentials())
    assert api.verify(credential).verified
    assert api.verify(credential, now=FAR_FUTURE).verified
    changed = data.draw(tampered(credential))
    assert changed != credential
    assert not api.verify(changed).verified


@settings(max_examples=15, deadline=None)
@given(
    micro_credentials(languages=["de", "fr"], optional_elements=False, issuer="did:web:u.example")
)
def test_micro_credentials_take_languages_optional_elements_and_issuer(model: Any) -> None:
    dumped = model.dump()
    for element in ("prerequisites", "supervision", "grade", "stackability", "furtherInformation"):
        assert element not in dumped
    assert dumped["issuer"]["id"] == "did:web:u.example"

    def maps(value: Any) -> Any:
        if isinstance(value, dict):
            if (
                value
                and all(k in ("de", "fr") for k in value)
                and all(isinstance(v, str) for v in value.values())
            ):
                yield value
            for item in value.values():
                yield from maps(item)
        elif isinstance(value, list):
            for item in value:
                yield from maps(item)

    assert list(maps(dumped["title"])), dumped["title"]
    for key in ("title", "learner"):
        for text in maps(dumped[key]):
            assert set(text) <= {"de", "fr"}


PROJECT_TEST = """
from hypothesis import given, settings
from microcred import verify
from microcred.testing.strategies import signed_credentials


def test_fixtures(microcred_key, microcred_credential, microcred_verifier):
    assert microcred_credential["issuer"]["id"] == microcred_key.did
    assert microcred_verifier.verify(microcred_credential).verified


@settings(max_examples=3, deadline=None)
@given(signed_credentials(suites=["ecdsa-jcs-2019"]))
def test_strategies(credential):
    assert verify(credential).verified
"""


def test_another_project_uses_the_fixtures_from_the_entry_point(tmp_path: Path) -> None:
    """No conftest, no path to this repository: the fixtures come from the installed plugin."""
    project = tmp_path / "elsewhere"
    project.mkdir()
    (project / "test_wallet.py").write_text(textwrap.dedent(PROJECT_TEST))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_wallet.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--fixtures", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert "microcred_verifier" in listed.stdout and "microcred.testing.plugin" in listed.stdout
