"""The public surface: every exported name resolves, and verifying does not load the model."""

from __future__ import annotations

import subprocess
import sys

import microcred


def test_every_exported_name_resolves() -> None:
    for name in microcred.__all__:
        assert getattr(microcred, name) is not None, name
    assert sorted(dir(microcred)) == sorted(microcred.__all__)


def test_exports_are_the_eager_names_and_the_lazy_table() -> None:
    eager = {
        "Check",
        "CheckStatus",
        "InvalidMicroCredential",
        "MicrocredError",
        "Problem",
        "VerificationResult",
    }
    assert set(microcred.__all__) == eager | set(microcred._LAZY)


def test_unknown_names_raise_attribute_error() -> None:
    try:
        microcred.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_verify_does_not_load_pydantic() -> None:
    """Wallets only verify: the pydantic model (170 ms to import) stays unloaded."""
    code = "import sys; from microcred import verify; print('pydantic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
