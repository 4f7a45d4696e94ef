"""Verify speed of Open Badges 3.0 and CLR 2.0 credentials against our own VC 2.0 ones, and
against the pyld pipeline on the same OB3 credential, in one run (docs/performance.md).

Our OB3 and the 1EdTech OB3 vector go through the direct JSON-LD path over the bundled OB3
contexts, like our own credentials; the CLR figure verifies its proof and each of the three
credentials inside.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from microcred import KeyPair, MicroCredential, Verifier, issue, stack
from microcred.jsonld.loader import default_loader
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.keypair import PublicKey
from microcred.keys.resolvers import chain_resolvers, resolve_offline

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT.parent / "shared" / "reference" / "ob3" / "1edtech-spec" / "test-vectors"


def median_ms(action: Callable[[], object], iterations: int, warmup: int = 20) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _vector_resolver() -> Callable[[str], VerificationMethod | ResolutionFailure]:
    """The guide's issuer key, as the issuer's profile would list it (in memory)."""
    pair = json.loads((VECTORS / "keyPair.json").read_text("utf-8"))
    method = VerificationMethod(
        pair["id"], "Multikey", pair["controller"],
        PublicKey.from_multikey(pair["publicKeyMultibase"]), frozenset({"assertionMethod"}),
    )  # fmt: skip

    def resolve(url: str) -> VerificationMethod | ResolutionFailure:
        if url == pair["id"]:
            return method
        return ResolutionFailure(url, "METHOD_NOT_SUPPORTED", "not the vector's key")

    return chain_resolvers(resolve_offline, resolve)


def _pyld_hashes(document: dict[str, Any]) -> bytes:
    """pyld URDNA2015 of the unsecured document and its proof configuration (the work of a
    pyld-based verifier before the signature check)."""
    from pyld import jsonld

    options = {"algorithm": "URDNA2015", "format": "application/n-quads",
               "documentLoader": default_loader()}  # fmt: skip
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in document["proof"].items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return b"".join(
        hashlib.sha256(jsonld.normalize(x, dict(options)).encode()).digest()
        for x in (config, unsecured)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--reference-iterations", type=int, default=100)
    args = parser.parse_args()
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    mc = MicroCredential.parse(data)
    key = KeyPair.generate("Ed25519")
    ours = issue(mc, key=key)
    badge = issue(mc, key=key, format="ob3")
    three = [
        issue(mc.model_copy(update={"id": f"urn:uuid:{uuid.uuid4()}"}), key=key, format=f)
        for f in ("vc", "ob3", "ob3")
    ]
    clr = stack(three, key=key, name="Stack")
    verifier = Verifier()
    rows = [
        ("our VC 2.0 (ELM) micro-credential", ours, verifier),
        ("the same micro-credential as OB3 (to_ob3)", badge, verifier),
        ("CLR of 3 micro-credentials (4 proofs)", clr, verifier),
    ]
    if VECTORS.is_dir():
        vector = json.loads((VECTORS / "obv3p0" / "signed-credential.json").read_text("utf-8"))
        rows.append(("1EdTech OB3 eddsa vector", vector, Verifier(resolver=_vector_resolver())))
    print("| credential | verify, median ms | pyld URDNA2015 of the same, median ms |")
    print("|---|---:|---:|")
    for name, document, used in rows:
        result = used.verify(document)
        assert result.verified, (name, [str(p) for p in result.problems])
        ms = median_ms(lambda d=document, v=used: v.verify(d), args.iterations)
        reference = (
            f"{median_ms(lambda d=document: _pyld_hashes(d), args.reference_iterations, 3):.3f}"
            if "CLR" not in name
            else ""
        )
        print(f"| {name} | {ms:.3f} | {reference} |")


if __name__ == "__main__":
    main()
