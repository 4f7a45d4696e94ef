"""National scale in one run: issuance through the default process pool and through a Dask
LocalCluster, verify_many against a loop of verify(), and the cold start of the CLI.

    python benchmarks/bench_scale.py [--count 100000] [--workers 2] [--verify 10000]

Issuance streams (`iter_issued`): only a 1 % sample of the credentials is kept, and verified
with `verify_many`. The verify comparison uses credentials of 3 issuers, each with an entry
on its issuer's status list, read from a folder (`status_dir_loader`) as a verifier would:
verify_many in this process, verify_many(workers=--workers), and verify() in a loop.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from microcred import KeyPair, api, status_dir_loader, verify_many
from microcred.batch import Issued, iter_issued
from microcred.keys.did_key import resolve_did_key
from microcred.status.bitstring import StatusList
from microcred.status.credential import status_entry, status_list_credential
from microcred.status.lists import status_file_name
from microcred.verification.verifier import Verifier

ROOT = Path(__file__).resolve().parents[1]
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text(encoding="utf-8"))


def _items(count: int) -> Any:
    return ({**DEMO, "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}"} for i in range(count))


def issue_run(label: str, count: int, key: KeyPair, **how: Any) -> float:
    """Issue `count` demo credentials; keep and verify a 1 % sample; print the rate."""
    sample_every = 100
    kept: list[dict[str, Any]] = []
    failed = 0
    start = time.perf_counter()
    for outcome in iter_issued(_items(count), key=key, chunk_size=128, **how):
        if not isinstance(outcome, Issued):
            failed += 1
        elif outcome.index % sample_every == 0:
            kept.append(outcome.credential)
    seconds = time.perf_counter() - start
    verified = sum(r.verified for r in verify_many(kept))
    print(
        f"{label:<34} {count:>8} in {seconds:7.1f} s = {count / seconds:7.0f}/s; "
        f"failed {failed}; sample verified {verified}/{len(kept)}"
    )
    return count / seconds


def dask_run(count: int, workers: int, key: KeyPair) -> float | None:
    try:
        import distributed
    except ImportError:
        print("dask: not installed (pip install 'microcred[dask]'), skipped")
        return None
    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(lambda: __import__("microcred.batch"))  # warm the workers' imports
        executor = client.get_executor()
        return issue_run(f"Dask LocalCluster ({workers} workers)", count, key, executor=executor)


def _cohort(per_issuer: int, folder: Path) -> list[dict[str, Any]]:
    """Credentials of 3 issuers, interleaved, each on its issuer's list in `folder`."""
    credentials: list[list[dict[str, Any]]] = []
    for n in range(3):
        key = KeyPair.generate("Ed25519")
        url = f"https://issuer{n}.example/status/1"
        unsigned = status_list_credential(
            StatusList(), id=url, issuer=key.did, purpose="revocation", valid_from=datetime.now(UTC)
        )
        (folder / status_file_name(url)).write_text(json.dumps(api.sign(unsigned, key=key)))
        outcomes = iter_issued(
            _items(per_issuer),
            key=key,
            workers=2,
            status=lambda i, url=url: status_entry(url, i, purpose="revocation"),
        )
        credentials.append([o.credential for o in outcomes if isinstance(o, Issued)])
    return [c for group in zip(*credentials, strict=True) for c in group]


class _Counted:
    """The benchmark's status loader and key resolver: every call counted by what it asked."""

    def __init__(self, folder: str) -> None:
        self._lists = status_dir_loader(folder)
        self.loads, self.resolved = Counter[str](), Counter[str]()

    def load(self, url: str) -> Any:
        self.loads[url] += 1
        return self._lists(url)

    def resolve(self, url: str) -> Any:
        self.resolved[url] += 1
        return resolve_did_key(url)

    def calls(self) -> str:
        loads, keys = sorted(set(self.loads.values())), sorted(set(self.resolved.values()))
        return (
            f"{len(self.loads)} lists loaded {'/'.join(map(str, loads))}x each, "
            f"{len(self.resolved)} keys resolved {'/'.join(map(str, keys))}x each"
        )


def verify_comparison(count: int, workers: int, repeat: int) -> None:
    """verify_many in one process and in `workers` processes against verify() in a loop:
    same credentials, same status folder, the rows alternating `repeat` times (medians).
    Each row counts its loader's and resolver's calls (printed from its last run)."""
    with tempfile.TemporaryDirectory() as folder:
        credentials = _cohort(count // 3, Path(folder))
        calls: dict[str, str] = {}

        def many(processes: int, counted: _Counted) -> list[bool]:
            verifier = Verifier(resolver=counted.resolve, status_loader=counted.load)
            return [
                r.verified for r in verify_many(credentials, verifier=verifier, workers=processes)
            ]

        def loop(counted: _Counted) -> list[bool]:
            return [
                api.verify(c, resolver=counted.resolve, status_loader=counted.load).verified
                for c in credentials
            ]

        rows: dict[str, Callable[[_Counted], list[bool]]] = {
            "verify_many, 1 process": lambda counted: many(1, counted),
            f"verify_many, workers={workers}": lambda counted: many(workers, counted),
            "verify() in a loop": loop,
        }
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(repeat):
            for name, run in rows.items():
                counted = _Counted(folder)
                start = time.perf_counter()
                verdicts = run(counted)
                times[name].append((time.perf_counter() - start) / len(credentials))
                assert verdicts == [True] * len(credentials), name
                calls[name] = counted.calls()
    each = {name: statistics.median(values) for name, values in times.items()}
    looped = each["verify() in a loop"]
    print(
        f"verify {len(credentials)} credentials of 3 issuers with status, median of {repeat} "
        "runs each:"
    )
    for name, value in each.items():
        print(
            f"  {name:<28} {value * 1000:.3f} ms each ({1 / value:,.0f}/s), "
            f"{looped / value:.2f}x the loop; {calls[name]}"
        )


def _median_ms(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    environment = {**os.environ, **(env or {})}
    subprocess.run(command, check=True, capture_output=True, env=environment)  # bytecode cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def cold_start(runs: int) -> None:
    """`microcred verify vc.json` in a fresh process, against the same with pyld processing
    the contexts (MICROCRED_PYLD_CONTEXTS=1, the path before issue 19), and what Python
    alone and `import pyld` take. The runs of the rows alternate, so a change of the
    machine's speed state hits every row alike."""
    credential = api.issue(DEMO, key=KeyPair.generate("Ed25519"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vc.json"
        path.write_text(json.dumps(credential))
        cli = [sys.executable, "-m", "microcred", "verify", str(path)]
        rows = {
            "verify": (cli, None),
            "verify, pyld processing contexts": (cli, {"MICROCRED_PYLD_CONTEXTS": "1"}),
            "python -c pass": ([sys.executable, "-c", "pass"], None),
            "python -c 'import pyld'": ([sys.executable, "-c", "import pyld"], None),
        }
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(runs):
            for name, (command, env) in rows.items():
                times[name].append(_median_ms(command, 1, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"cold start, median of {runs} runs each (ms):")
    for name, value in medians.items():
        print(f"  {name:<36} {value:6.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verify", type=int, default=10_000)
    parser.add_argument("--verify-repeat", type=int, default=3, help="runs of each verify row")
    parser.add_argument("--cold-runs", type=int, default=11)
    parser.add_argument("--cold-only", action="store_true", help="only the cold-start rows")
    parser.add_argument("--no-issue", action="store_true", help="cold start and verify only")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    random.seed(0)
    if args.cold_runs > 0:
        cold_start(args.cold_runs)
    if args.cold_only:
        return
    if args.verify > 0:
        verify_comparison(args.verify, args.workers, args.verify_repeat)
    if args.no_issue:
        return
    key = KeyPair.generate("Ed25519")
    pool = issue_run(
        f"process pool ({args.workers} workers)", args.count, key, workers=args.workers
    )
    dask = dask_run(args.count, args.workers, key)
    per_core = pool / args.workers
    print(
        f"projection: 10^6 credentials on 16 cores at {per_core:.0f}/s per core "
        f"(pool) = {1e6 / (per_core * 16):.0f} s"
        + (f"; Dask / pool = {dask / pool:.2f}" if dask else "")
    )


if __name__ == "__main__":
    main()
