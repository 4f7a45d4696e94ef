"""Fuzz every entry point that takes untrusted input with hostile documents, and report.

Targets: verify (credentials, status lists, sealed EDCs), verify_presentation, verify_seal,
read_edc, from_credential, the strict JSON reader the CLI uses, and the CLI itself (every
tenth case). Inputs are seeded mutations of real signed documents: values swapped for
hostile ones (deep nesting, long arrays, keywords as keys, inline contexts, huge numbers,
odd strings, many proofs and status entries...), keys renamed, subtrees moved, bytes of
the JSON text flipped. A case fails when a call raises (anything but the typed
`MicrocredError` that read_edc/from_credential document), changes its input, or takes more
than 2 s. Prints cases, failures and the slowest case per target; exits 1 on any failure.

    .venv/bin/python benchmarks/fuzz_hostile.py --cases 10000 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from microcred import (
    KeyPair,
    MicroCredential,
    StatusList,
    from_credential,
    issue,
    present,
    sign,
    status_entry,
    status_list_credential,
    verify,
    verify_presentation,
)
from microcred.bindings.edc import EDCIssuer, issue_edc, read_edc
from microcred.cli import main as cli
from microcred.errors import MicrocredError
from microcred.jades import verify_seal
from microcred.strict_json import parse_json

ROOT = Path(__file__).resolve().parents[1]
LIMIT_SECONDS = 2.0
URL = "https://issuer.example/status/1"
SIGNED_AT = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)

HOSTILE_KEYS = [
    "@nest", "@included", "@graph", "@reverse", "@index", "@context", "@id", "@type", "@value",
    "@list", "@set", "@json", "@none", "@vocab", "@foo", "_:b0", "cred:x", "id", "type",
    "https://www.w3.org/2018/credentials#validUntil", "validUntil", "credentialStatus",
    "proof", "issuer", "previousProof", "expires", "statusListIndex", "", "\u0000", "é" * 50,
]  # fmt: skip


def _deep(depth: int) -> Any:
    value: Any = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


def hostile_value(rng: random.Random, seeds: list[Any]) -> Any:
    """One hostile JSON value."""
    choice = rng.randrange(22)
    if choice == 0:
        return _deep(rng.choice([70, 600, 1500]))
    if choice == 1:
        return [f"v{i}" for i in range(rng.choice([100, 5000, 20000]))]
    if choice == 2:
        return {f"k{i}": i for i in range(rng.choice([100, 3000]))}
    if choice == 3:
        return rng.choice([2**53 + 1, -(2**63), 10**400, 1e308, -0.0, 5e-324, 0.1 + 0.2])
    if choice == 4:
        return rng.choice(["", "\ud800", "\u0000", "x" * 100_000, "٢٠٢٦-01-01T00:00:00Z"])
    if choice == 5:
        return rng.choice(["9999-12-31T24:00:00Z", "0000-00-00T00:00:00Z", "2026-02-30T00:00:00Z"])
    if choice == 6:
        return {"@value": rng.choice(["7", 7, None, ["7"]]), "@type": rng.choice(["x", 5, None])}
    if choice == 7:
        return {"@context": {f"t{i}": f"https://e.org/{i}" for i in range(rng.choice([3, 600]))}}
    if choice == 8:
        return ["https://www.w3.org/ns/credentials/v2"] * rng.choice([2, 20000])
    if choice == 9:
        return [{"type": "BitstringStatusListEntry", "statusListCredential": URL,
                 "statusPurpose": "revocation", "statusListIndex": str(i)}
                for i in range(rng.choice([3, 500]))]  # fmt: skip
    if choice == 10:
        return rng.choice([None, True, False, 0, -1, [], {}, [[]], [{}], "null"])
    if choice == 11:
        return copy.deepcopy(rng.choice(seeds))
    if choice == 12:
        return {rng.choice(HOSTILE_KEYS): hostile_value(rng, seeds) for _ in range(3)}
    if choice == 13:
        return {"id": rng.choice(["_:b0", "did:key:z6Mk", "urn:x", "relative", 5])}
    if choice == 14:
        return "did:web:" + rng.choice(["localhost", "0x7f000001", "a%2F..%2Fb", "127.1", "x"])
    if choice == 15:
        return rng.choice(["z" + "1" * 86, "u" + "A" * 10, "zzzz0OIl", "z3u2aszHt1Sa9x2"])
    if choice == 16:
        return ["VerifiableCredential"] * rng.choice([2, 100_000])
    if choice == 17:
        return {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                "previousProof": [f"urn:p:{i}" for i in range(50)], "id": "urn:p:1"}  # fmt: skip
    if choice == 18:
        return {"@list": [1, [2], {"@list": []}]}
    if choice == 19:
        return {"en": ["a", "a"], "x-!": "t", "@none": None}
    if choice == 20:
        return rng.choice(["https://w3id.org/microcred/v1", "https://example.org/unknown"])
    return rng.random()


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if len(path) > 30:
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            found += _paths(item, (*path, index))
    return found


def mutate(document: Any, rng: random.Random, seeds: list[Any]) -> Any:
    """One to four hostile edits of a copy of `document`."""
    mutated = copy.deepcopy(document)
    for _ in range(rng.randint(1, 4)):
        paths = _paths(mutated)
        path = rng.choice(paths)
        if not path:
            if rng.random() < 0.3:
                return hostile_value(rng, seeds)
            continue
        parent = mutated
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = rng.randrange(5)
        if action == 0:
            parent[key] = hostile_value(rng, seeds)
        elif action == 1 and isinstance(parent, dict):
            parent[rng.choice(HOSTILE_KEYS)] = parent.pop(key)
        elif action == 2 and isinstance(parent, dict):
            parent["@nest"] = {key: parent.pop(key)}
        elif action == 3:
            del parent[key]
        else:
            parent[key] = [parent[key], copy.deepcopy(parent[key])]
    return mutated


def _seal_material() -> tuple[Any, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "University of Zed"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "VATIE-0000000Z"),
            x509.NameAttribute(NameOID.COMMON_NAME, "University of Zed e-seal"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(SIGNED_AT - timedelta(days=1))
        .not_valid_after(SIGNED_AT + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def seeds() -> dict[str, Any]:
    """Real signed documents to mutate, and what each target needs besides."""
    mc = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    issuer, holder = KeyPair.generate("Ed25519"), KeyPair.generate("P-256")
    bits = StatusList()
    bits.set(7)
    listed = sign(
        status_list_credential(bits, id=URL, issuer=issuer.did, purpose="revocation"),
        key=issuer,
        created=SIGNED_AT,
    )
    vc = issue(mc, key=issuer, status=status_entry(URL, 7, purpose="revocation"), created=SIGNED_AT)
    jcs = issue(mc, key=issuer, cryptosuite="eddsa-jcs-2022", created=SIGNED_AT)
    vp = present(
        [vc, jcs], key=holder, challenge="c", cryptosuite="ecdsa-rdfc-2019", created=SIGNED_AT
    )
    seal_key, certificate = _seal_material()
    edc = issue_edc(
        MicroCredential.parse(mc),
        issuer=EDCIssuer("VATIE-0000000Z", "IE"),
        key=seal_key,
        certificate_chain=[certificate],
        signing_time=SIGNED_AT,
    )
    return {"vc": vc, "jcs": jcs, "vp": vp, "list": listed, "edc": edc, "anchor": certificate}


def targets(seed: dict[str, Any]) -> dict[str, tuple[str, Callable[[Any], Any], bool]]:
    """name -> (seed document, call, typed errors allowed)."""
    lists = {URL: seed["list"]}
    anchor = seed["anchor"]
    return {
        "verify": ("vc", lambda d: verify(d, status_loader=lists.get, now=NOW), False),
        "verify (JCS)": ("jcs", lambda d: verify(d, now=NOW), False),
        "verify (status list)": ("list", lambda d: verify(d, now=NOW), False),
        "verify (sealed EDC)": ("edc", lambda d: verify(d, trust_anchors=[anchor], now=NOW), False),
        "verify_presentation": (
            "vp",
            lambda d: verify_presentation(d, challenge="c", now=NOW, status_loader=lists.get),
            False,
        ),
        "verify_seal": ("edc", lambda d: verify_seal(d, trust_anchors=[anchor], now=NOW), False),
        "read_edc": ("edc", read_edc, False),
        "from_credential": ("vc", from_credential, True),
        "strict JSON reader": ("vc", _reader, True),
    }


def _mutate_payload(sealed: dict[str, Any], rng: random.Random, pool: list[Any]) -> None:
    """Hostile edits inside a sealed EDC's payload (the seal no longer holds, but the
    payload's own checks still read it)."""
    try:
        payload = json.loads(sealed["payload"])
    except (KeyError, TypeError, ValueError):
        return
    text = json.dumps(mutate(payload, rng, pool), ensure_ascii=False)
    sealed["payload"] = text


def _reader(document: Any) -> Any:
    """The CLI's reader on the document's text with some bytes flipped."""
    text = bytearray(json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    rng = random.Random(len(text))
    for _ in range(rng.randint(0, 3)):
        text[rng.randrange(len(text))] = rng.randrange(256)
    return parse_json(bytes(text))


def _cli(document: Any, folder: Path) -> None:
    """`microcred verify FILE` on the document: any outcome but a traceback is fine."""
    path = folder / "case.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli(["verify", str(path), "--now", NOW.isoformat()])
    if code not in (0, 1, 2) or "Traceback" in err.getvalue():
        raise AssertionError(f"CLI exit {code}: {err.getvalue()[-300:]}")


def run(cases: int, seed: int) -> int:
    sys.setrecursionlimit(20_000)  # the script's own deep copies of deep documents
    rng = random.Random(seed)
    material = seeds()
    table = targets(material)
    pool = [material[k] for k in ("vc", "jcs", "vp", "list", "edc")]
    stats = {name: {"cases": 0, "failures": 0, "max": 0.0, "slowest": ""} for name in table}
    stats["CLI verify"] = {"cases": 0, "failures": 0, "max": 0.0, "slowest": ""}
    names = sorted(table)
    with tempfile.TemporaryDirectory() as folder:
        for case in range(cases):
            name = names[case % len(names)]
            source, call, typed_ok = table[name]
            document = mutate(material[source], rng, pool)
            if source == "edc" and isinstance(document, dict) and rng.random() < 0.5:
                _mutate_payload(document, rng, pool)
            before = copy.deepcopy(document)
            started = time.perf_counter()
            failure = None
            try:
                call(document)
            except MicrocredError:
                if not typed_ok:
                    failure = "raised a typed error"
            except Exception as error:  # the finding this script exists to catch
                failure = f"raised {type(error).__name__}: {error!r:.200}"
            elapsed = time.perf_counter() - started
            if failure is None and document != before:
                failure = "changed its input"
            if failure is None and elapsed > LIMIT_SECONDS:
                failure = f"took {elapsed:.2f} s"
            _record(stats[name], elapsed, case, failure, name)
            if case % 10 == 0:
                started = time.perf_counter()
                try:
                    _cli(document, Path(folder))
                    failure = None
                except Exception as error:
                    failure = f"{error!r:.200}"
                _record(stats["CLI verify"], time.perf_counter() - started, case, failure, "CLI")
    total = sum(s["cases"] for s in stats.values())
    failures = sum(s["failures"] for s in stats.values())
    print(f"hostile cases: {total} (seed {seed}); failures: {failures}")
    print(f"{'target':<24}{'cases':>7}{'failures':>10}{'max ms':>10}  slowest case")
    for name, s in stats.items():
        figures = f"{s['cases']:>7}{s['failures']:>10}{s['max'] * 1000:>10.1f}"
        print(f"{name:<24}{figures}  {s['slowest']}")
    return 1 if failures else 0


def _record(
    stat: dict[str, Any], elapsed: float, case: int, failure: str | None, name: str
) -> None:
    stat["cases"] += 1
    if elapsed > stat["max"]:
        stat["max"], stat["slowest"] = elapsed, f"#{case}"
    if failure is not None:
        stat["failures"] += 1
        print(f"FAIL {name} case #{case}: {failure}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return run(args.cases, args.seed)


if __name__ == "__main__":
    sys.exit(main())
