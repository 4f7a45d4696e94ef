"""Sign and verify speed of microcred against the pyld reference pipeline, in one run.

The reference pipeline is what pyld-based libraries do for eddsa-rdfc-2022: pyld
`normalize` (URDNA2015) of the document and of the proof configuration, SHA-256 of each,
Ed25519 with the same key. Figures are medians per credential after a warm-up; the ratio
column is reference / microcred. Also: cold start (fresh process -> first verified
credential), peak RSS, batch issuance with `issue_many`, and what checking a signer's output
(verify-after-sign, part of every sign and issue above) costs.

    python benchmarks/bench_sign_verify.py [--iterations 1000] [--batch 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from microcred import (
    KeyPair,
    MicroCredential,
    api,
    issue_many,
    present,
    present_sd_jwt,
    verify_presentation,
)
from microcred.batch import Issued, IssueFailure
from microcred.bindings.elm import to_credential
from microcred.jsonld.expand import to_rdf
from microcred.keys.multibase import decode_base58btc
from microcred.keys.signing import check_signature

ROOT = Path(__file__).resolve().parents[1]
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text(encoding="utf-8"))
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def large_micro_credential() -> dict[str, Any]:
    """The demo with 10 learning outcomes (ESCO skills each) and texts in 3 languages."""

    def three(text: dict[str, str]) -> dict[str, str]:
        return {"en": text["en"], "de": text.get("de", text["en"]), "fr": "FR: " + text["en"]}

    outcome = DEMO["learningOutcomes"][0]
    outcomes = [
        {
            **outcome,
            "title": three({"en": f"Outcome {i}: {outcome['title']['en']}", "de": f"Ergebnis {i}"}),
            "relatedESCOSkills": [
                f"http://data.europa.eu/esco/skill/{i:08d}-0000-4000-8000-00000000000{j}"
                for j in range(3)
            ],
        }
        for i in range(10)
    ]
    return {**DEMO, "title": three(DEMO["title"]), "learningOutcomes": outcomes}


def median_ms(action: Callable[[], object], iterations: int, warmup: int = 20) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


class Reference:
    """pyld URDNA2015 + SHA-256 + Ed25519: the pipeline of pyld-based libraries."""

    def __init__(self, key: KeyPair) -> None:
        from pyld import jsonld

        self.jsonld = jsonld
        self.key = key
        loader = api.default_loader()
        self.options = {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": loader,
        }

    def _hash_data(self, document: dict[str, Any], config: dict[str, Any]) -> bytes:
        canonical_config = self.jsonld.normalize(config, dict(self.options))
        canonical_document = self.jsonld.normalize(document, dict(self.options))
        return (
            hashlib.sha256(canonical_config.encode()).digest()
            + hashlib.sha256(canonical_document.encode()).digest()
        )

    def sign(self, document: dict[str, Any]) -> bytes:
        config = {
            "@context": document["@context"],
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": self.key.verification_method,
            "proofPurpose": "assertionMethod",
        }
        return self.key.sign(self._hash_data(document, config))

    def verify(self, signed: dict[str, Any]) -> bool:
        document = {k: v for k, v in signed.items() if k != "proof"}
        config = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
        config["@context"] = document["@context"]
        signature = decode_base58btc(signed["proof"]["proofValue"])
        return self.key.public_key.verify(signature, self._hash_data(document, config))


def cold_start(runs: int) -> tuple[float, float, int]:
    """Median wall time of a fresh `python` that imports microcred and verifies one credential:
    with the bytecode cache Python writes by default (and pip writes at install), after one
    unmeasured run fills it; and with no bytecode at all, every module compiled from source."""
    signed = api.issue(DEMO, key=KeyPair.generate("Ed25519"), created=CREATED)
    path = ROOT / "benchmarks" / ".cold-start-credential.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    code = (
        "import json,sys; from microcred import verify;"
        f"sys.exit(0 if verify(json.load(open({str(path)!r}))).verified else 1)"
    )
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def median_ms(env: dict[str, str]) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    try:
        subprocess.run([sys.executable, "-c", code], check=True, env=cached)
        warm = median_ms(cached)
        with tempfile.TemporaryDirectory() as empty:
            bare = median_ms(
                {**cached, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": empty}
            )
    finally:
        path.unlink()
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return warm, bare, child_rss


def batch(size: int, workers: int) -> None:
    key = KeyPair.generate("Ed25519")
    items: list[Any] = [
        {**DEMO, "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}"} for i in range(size)
    ]
    bad = size // 2
    items[bad] = {**items[bad], "level": {"eqf": 9}}
    start = time.perf_counter()
    outcomes = issue_many(items, key=key, workers=workers)
    issued = time.perf_counter() - start
    failures = [o for o in outcomes if isinstance(o, IssueFailure)]
    start = time.perf_counter()
    verified = sum(api.verify(o.credential).verified for o in outcomes if isinstance(o, Issued))
    checked = time.perf_counter() - start
    print(
        f"\nissue_many: {size} demo credentials with {workers} workers in {issued:.1f} s "
        f"({size / issued:.0f}/s); verified {verified}/{size - len(failures)} in {checked:.1f} s"
    )
    for failure in failures:
        print(f"  reported failure: item {failure.index}: {failure.code} {failure.errors}")


def compare(
    name: str,
    data: dict[str, Any],
    key: KeyPair,
    reference: Reference,
    iterations: int,
    ref_iterations: int,
) -> None:
    """Print microcred's and the reference pipeline's medians for one credential."""
    mc = MicroCredential.parse(data).with_issuer_id(key.did)
    unsigned = to_credential(mc)
    signed = api.sign(unsigned, key=key, created=CREATED)
    assert api.verify(signed).verified and reference.verify(signed)
    ours = {
        "issue": median_ms(lambda: api.issue(mc, key=key, created=CREATED), iterations),
        "sign": median_ms(lambda: api.sign(unsigned, key=key, created=CREATED), iterations),
        "verify": median_ms(lambda: api.verify(signed), iterations),
    }
    theirs = {
        "sign": median_ms(lambda: reference.sign(unsigned), ref_iterations, warmup=5),
        "verify": median_ms(lambda: reference.verify(signed), ref_iterations, warmup=5),
    }
    quads = len(to_rdf(unsigned))
    print(f"{name:<8} {'issue':<8} {ours['issue']:>13.3f} {'':>13} {'':>7}   ({quads} quads)")
    for operation in ("sign", "verify"):
        ratio = theirs[operation] / ours[operation]
        mine, other = ours[operation], theirs[operation]
        print(f"{name:<8} {operation:<8} {mine:>13.3f} {other:>13.3f} {ratio:>6.1f}x")


def other_operations(key: KeyPair, iterations: int) -> None:
    """Medians without a reference column: the JCS suite, and a verifier's presentation of
    two credentials (one per canonicalisation) with challenge and domain."""
    unsigned = to_credential(MicroCredential.parse(DEMO).with_issuer_id(key.did))
    jcs = api.sign(unsigned, key=key, cryptosuite="eddsa-jcs-2022", created=CREATED)
    rdfc = api.sign(unsigned, key=key, created=CREATED)
    holder = KeyPair.generate("Ed25519")
    vp = present([rdfc, jcs], key=holder, challenge="c-1", domain="verifier.example")
    assert verify_presentation(vp, challenge="c-1", domain="verifier.example").verified
    token = api.issue(DEMO, key=key, format="vc+jwt")
    sd_jwt = api.issue(DEMO, key=key, format="dc+sd-jwt", holder_key=holder.public_key)
    shown = present_sd_jwt(
        sd_jwt, disclose=["learningOutcomes"], holder_key=holder, nonce="n", audience="a"
    )
    assert api.verify(token).verified and api.verify(shown, challenge="n", domain="a").verified
    figures = {
        "sign, eddsa-jcs-2022": lambda: api.sign(unsigned, key=key, cryptosuite="eddsa-jcs-2022"),
        "verify, eddsa-jcs-2022": lambda: api.verify(jcs),
        "issue, vc+jwt": lambda: api.issue(DEMO, key=key, format="vc+jwt"),
        "verify, vc+jwt": lambda: api.verify(token),
        "issue, dc+sd-jwt": lambda: api.issue(
            DEMO, key=key, format="dc+sd-jwt", holder_key=holder.public_key
        ),
        "present, dc+sd-jwt + KB": lambda: present_sd_jwt(
            sd_jwt, disclose=["learningOutcomes"], holder_key=holder, nonce="n", audience="a"
        ),
        "verify, dc+sd-jwt + KB": lambda: api.verify(shown, challenge="n", domain="a"),
        "verify_presentation of 2": lambda: verify_presentation(
            vp, challenge="c-1", domain="verifier.example"
        ),
    }
    for key_type in ("Ed25519", "P-256"):  # what checked_signer adds to every sign
        signer = key if key_type == "Ed25519" else KeyPair.generate(key_type)
        hash_data = hashlib.sha256(b"proof configuration").digest() * 2
        signature = signer.sign(hash_data)
        figures[f"verify-after-sign, {key_type}"] = lambda s=signer, sig=signature, h=hash_data: (
            check_signature(sig, h, public_key=s.public_key, verification_method="did:x#1")
        )
    for label, action in figures.items():
        print(f"demo     {label:<26} {median_ms(action, iterations):>8.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--reference-iterations", type=int, default=1000)
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}, {platform.platform()}")
    key = KeyPair.generate("Ed25519")
    reference = Reference(key)
    print(
        f"{'credential':<8} {'operation':<8} {'microcred ms':>13} {'reference ms':>13} {'ratio':>7}"
    )
    for name, data in (("demo", DEMO), ("large", large_micro_credential())):
        compare(name, data, key, reference, args.iterations, args.reference_iterations)
    other_operations(key, args.iterations)
    cold_ms, bare_ms, child_rss = cold_start(args.cold_runs)
    print(
        f"\ncold start (fresh process: import + first verify), median of {args.cold_runs}: "
        f"{cold_ms:.0f} ms with the bytecode cache; {bare_ms:.0f} ms compiling every module; "
        f"peak RSS of those processes: {child_rss / 1024:.0f} MiB"
    )
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this benchmark process: {own_rss:.0f} MiB")
    if args.batch:
        batch(args.batch, args.workers)


if __name__ == "__main__":
    main()
