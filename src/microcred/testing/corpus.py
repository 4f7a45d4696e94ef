"""A conformance corpus: signed sample credentials, each with the verdict a verifier must give.

`manifest.json` names each file, whether it verifies, and the problem codes it must raise
(a verifier may report more), all as of the manifest's `now`. The bundled corpus (data/corpus)
is made by `build_corpus()` from the sample micro-credential and the fixed test keys, so it is
byte-for-byte reproducible; `run_corpus()` (or `microcred conformance DIR`) checks a verifier
against it or against any folder in the same layout.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from microcred.api import issue, sign, verify
from microcred.errors import InvalidOptionError, MicrocredError
from microcred.result import VerificationResult
from microcred.strict_json import parse_json
from microcred.testing.keys import test_key
from microcred.timestamps import parse_timestamp

__all__ = [
    "CORPUS_NOW",
    "Case",
    "Outcome",
    "build_corpus",
    "bundled_corpus",
    "load_cases",
    "run_corpus",
    "sample_micro_credential",
    "write_corpus",
]

CORPUS_NOW = datetime(2026, 6, 1, tzinfo=UTC)
"""The moment the bundled corpus's verdicts hold at (the manifest's `now`)."""
_CREATED = datetime(2026, 1, 1, tzinfo=UTC)
_MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Case:
    """One sample: its file, whether it must verify, the codes it must raise, and why."""

    file: str
    verified: bool
    codes: frozenset[str]
    about: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a verifier said about one case, and whether that is what the corpus expects."""

    case: Case
    verified: bool
    codes: frozenset[str]

    @property
    def ok(self) -> bool:
        """The verdict is the expected one and every expected code was raised."""
        return self.verified == self.case.verified and self.case.codes <= self.codes


def sample_micro_credential() -> dict[str, Any]:
    """The sample micro-credential input (docs/examples/microcredential.json), a fresh dict."""
    text = (resources.files("microcred.examples") / "microcredential.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def build_corpus() -> dict[str, str]:
    """Every file of the corpus (name -> text), manifest included; the same on every run."""
    sample, ed25519 = sample_micro_credential(), test_key("Ed25519")
    files: dict[str, Any] = {}
    cases: list[dict[str, Any]] = []

    def add(name: str, content: Any, about: str, codes: Sequence[str] = ()) -> None:
        files[name] = content
        cases.append({"file": name, "verified": not codes, "codes": list(codes), "about": about})

    for suite, key_type in (
        ("eddsa-rdfc-2022", "Ed25519"),
        ("eddsa-jcs-2022", "Ed25519"),
        ("ecdsa-rdfc-2019", "P-256"),
        ("ecdsa-jcs-2019", "P-384"),
    ):
        signed = issue(sample, key=test_key(key_type), cryptosuite=suite, created=_CREATED)
        add(f"{suite}-{key_type.lower()}.json", signed, f"the sample, {suite}, {key_type} key")
    token = issue(sample, key=test_key("P-256"), format="vc+jwt")
    add("vc-jwt-es256.jwt", token, "the sample as a vc+jwt compact JWS, ES256")

    good = issue(sample, key=ed25519, created=_CREATED)
    tampered = copy.deepcopy(good)
    tampered["credentialSubject"]["fullName"] = {"en": "Mallory Impostor"}
    add("tampered-name.json", tampered, "a signed name changed", ["PROOF_VERIFICATION_ERROR"])
    add(
        "no-proof.json",
        {k: v for k, v in good.items() if k != "proof"},
        "the proof removed",
        ["PROOF_MISSING"],
    )
    foreign = {k: v for k, v in good.items() if k != "proof"}
    foreign["issuer"] = {**good["issuer"], "id": test_key("P-256").did}
    add(
        "issuer-mismatch.json",
        sign(foreign, key=ed25519, created=_CREATED),
        "signed by a key its issuer does not control",
        ["ISSUER_MISMATCH"],
    )
    expiring = {**sample, "validUntil": "2026-03-01T00:00:00Z"}
    add(
        "expired.json",
        issue(expiring, key=ed25519, created=_CREATED),
        "validUntil before now",
        ["CREDENTIAL_EXPIRED"],
    )
    unknown = copy.deepcopy(good)
    unknown["@context"].append("https://example.org/unknown-context/v1")
    add("unknown-context.json", unknown, "a context no one serves", ["UNKNOWN_CONTEXT"])

    manifest = {
        "description": "microcred conformance corpus: verify each file as of `now` with "
        "did:key resolution and no status lists; `verified` must match and every listed "
        "problem code must be raised (more codes are allowed). Test keys only.",
        "now": CORPUS_NOW.isoformat().replace("+00:00", "Z"),
        "cases": cases,
    }
    out = {_MANIFEST: _json(manifest)}
    for name, content in files.items():
        out[name] = content + "\n" if isinstance(content, str) else _json(content)
    return out


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_corpus(folder: str | Path) -> list[Path]:
    """Write `build_corpus()` into `folder` (made if new); returns the paths written."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build_corpus().items():
        path = root / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def bundled_corpus() -> Traversable:
    """The corpus shipped inside the package (data/corpus)."""
    return resources.files("microcred.testing") / "data" / "corpus"


def load_cases(folder: str | Path | Traversable | None = None) -> tuple[datetime, list[Case]]:
    """The manifest's `now` and cases of `folder` (the bundled corpus by default)."""
    root = bundled_corpus() if folder is None else folder
    root = Path(root) if isinstance(root, str) else root
    try:
        manifest = parse_json((root / _MANIFEST).read_bytes())
        now = parse_timestamp(manifest["now"])
        cases = [
            Case(c["file"], bool(c["verified"]), frozenset(c["codes"]), str(c.get("about", "")))
            for c in manifest["cases"]
        ]
    except (OSError, KeyError, TypeError, MicrocredError) as error:
        raise InvalidOptionError(f"{root}: no readable {_MANIFEST} ({error})") from None
    if now is None or any(not isinstance(c.file, str) or "/" in c.file for c in cases):
        raise InvalidOptionError(f"{root}/{_MANIFEST}: `now` or a case's file is malformed")
    return now, cases


def run_corpus(
    folder: str | Path | Traversable | None = None,
    *,
    verifier: Any = None,
    options: Mapping[str, Any] | None = None,
) -> list[Outcome]:
    """Verify every case of `folder` (bundled by default) with `verifier(document, now=...)`
    (default: `microcred.verify` with `options`); one Outcome per case, in manifest order."""
    root = bundled_corpus() if folder is None else folder
    root = Path(root) if isinstance(root, str) else root
    now, cases = load_cases(root)
    check = verifier if verifier is not None else _default_verifier(options or {})
    outcomes = []
    for case in cases:
        data = (root / case.file).read_bytes()
        document: Any = data.decode("utf-8").strip() if case.file.endswith(".jwt") else None
        if document is None:
            try:
                document = parse_json(data)
            except MicrocredError:
                document = data.decode("utf-8", "replace")
        result: VerificationResult = check(document, now=now)
        outcomes.append(Outcome(case, result.verified, result.codes))
    return outcomes


def _default_verifier(options: Mapping[str, Any]) -> Any:
    def check(document: Any, *, now: datetime) -> VerificationResult:
        return verify(document, now=now, **options)

    return check
