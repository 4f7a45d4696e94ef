"""issue_many on executors other than the default pool: threads, Dask, Spark (where present).

Every run checks the same thing: one outcome per item, in input order, and every issued
credential verifies with the key the caller gave.
"""

from __future__ import annotations

import functools
import json
import shutil
import socket
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from microcred import api
from microcred.batch import Issued, IssueFailure, issue_many, iter_issued
from microcred.errors import InvalidOptionError
from microcred.keys.keypair import KeyPair

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json").read_text()
)


_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_REAL = {
    "connect": socket.socket.connect,
    "connect_ex": socket.socket.connect_ex,
    "create_connection": socket.create_connection,
    "getaddrinfo": socket.getaddrinfo,
}


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cluster on this machine talks over loopback; every other address stays refused."""

    def host_of(address: Any) -> Any:
        return address[0] if isinstance(address, tuple) else None

    def guard(name: str, address_of: Any) -> Any:
        real = _REAL[name]

        def call(*args: Any, **kwargs: Any) -> Any:
            address = address_of(args)
            if isinstance(address, str | bytes) and not isinstance(address, tuple):
                return real(*args, **kwargs)  # a Unix socket path
            if host_of(address) not in _LOOPBACK:
                raise AssertionError(f"network access attempted: {address!r}")
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(socket.socket, "connect", guard("connect", lambda a: a[1]))
    monkeypatch.setattr(socket.socket, "connect_ex", guard("connect_ex", lambda a: a[1]))
    monkeypatch.setattr(socket, "create_connection", guard("create_connection", lambda a: a[0]))
    monkeypatch.setattr(socket, "getaddrinfo", guard("getaddrinfo", lambda a: (a[0], a[1])))
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # workers need microcred installed


def _cohort(size: int) -> list[dict[str, Any]]:
    items = [{**EXAMPLE, "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}"} for i in range(size)]
    items[3] = {**items[3], "level": {"eqf": 9}}  # one bad item
    return items


def _check(outcomes: list[Any], key: KeyPair, size: int) -> None:
    assert [o.index for o in outcomes] == list(range(size))
    assert isinstance(outcomes[3], IssueFailure)
    assert [e.path for e in outcomes[3].errors] == [("level", "eqf")]
    issued = [o for o in outcomes if isinstance(o, Issued)]
    assert len(issued) == size - 1
    for outcome in issued:
        assert outcome.credential["id"] == f"urn:uuid:00000000-0000-4000-8000-{outcome.index:012d}"
        assert outcome.credential["proof"]["verificationMethod"] == key.verification_method
        assert api.verify(outcome.credential).verified


def test_any_executor_gives_outcomes_in_input_order() -> None:
    key = KeyPair.generate("Ed25519")
    with ThreadPoolExecutor(max_workers=3) as executor:
        outcomes = issue_many(_cohort(10), key=key, executor=executor, chunk_size=3)
    _check(outcomes, key, 10)


def test_a_key_factory_builds_the_signer_in_the_worker() -> None:
    key = KeyPair.generate("P-256")
    factory = functools.partial(KeyPair.from_multikey, key.export_secret_multikey())
    with ThreadPoolExecutor(max_workers=2) as executor:
        outcomes = issue_many(
            _cohort(6),
            key=key,
            key_factory=factory,
            executor=executor,
            chunk_size=2,
            cryptosuite="ecdsa-rdfc-2019",
        )
    _check(outcomes, key, 6)


def test_a_factory_for_another_key_is_refused() -> None:
    key, other = KeyPair.generate("Ed25519"), KeyPair.generate("Ed25519")
    factory = functools.partial(KeyPair.from_multikey, other.export_secret_multikey())
    with (
        ThreadPoolExecutor(max_workers=1) as executor,
        pytest.raises(InvalidOptionError, match="key_factory built a signer"),
    ):
        issue_many(_cohort(4), key=key, key_factory=factory, executor=executor)


def test_a_signer_that_cannot_travel_needs_a_factory() -> None:
    class Hsm:
        key_type = "Ed25519"
        verification_method = "did:example:hsm#1"

        def sign(self, data: bytes) -> bytes:
            raise AssertionError("never reached")

    with (
        ThreadPoolExecutor(max_workers=1) as executor,
        pytest.raises(InvalidOptionError, match="key_factory"),
    ):
        issue_many(_cohort(4), key=Hsm(), executor=executor)


def test_the_stream_reads_items_only_a_window_ahead() -> None:
    key = KeyPair.generate("Ed25519")
    read: list[int] = []

    def items() -> Any:
        for i, item in enumerate(_cohort(40)):
            read.append(i)
            yield item

    with ThreadPoolExecutor(max_workers=2) as executor:
        stream = iter_issued(items(), key=key, executor=executor, chunk_size=4, in_flight=2)
        first = next(stream)
        assert first.index == 0
        assert len(read) <= 4 * 3  # two chunks in flight, the next one being read
        rest = list(stream)
    assert [o.index for o in [first, *rest]] == list(range(40))


@pytest.mark.usefixtures("loopback_only")
def test_dask_local_cluster() -> None:
    """The recipe of docs/scale.md: a LocalCluster of 2 worker processes, its executor."""
    distributed = pytest.importorskip(
        "distributed", reason="dask[distributed] is not installed (pip install microcred[dask])"
    )
    key = KeyPair.generate("Ed25519")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        outcomes = issue_many(_cohort(12), key=key, executor=client.get_executor(), chunk_size=4)
        workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2
    _check(outcomes, key, 12)


@pytest.mark.usefixtures("loopback_only")
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a JDK (no `java` on PATH)")
def test_spark_map_partitions() -> None:
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed")
    key = KeyPair.generate("Ed25519")
    secret = key.export_secret_multikey()

    def issue_partition(rows: Any) -> Any:
        """The recipe of docs/scale.md: a pure per-item function over one partition (defined
        here, so Spark ships it by value: workers cannot import a test module)."""
        from microcred import KeyPair, issue

        signer = KeyPair.from_multikey(secret)
        for line in rows:
            item = json.loads(line)
            try:
                yield json.dumps(issue(item, key=signer))
            except Exception as error:  # a failed item is a row too, never a lost one
                yield json.dumps({"failed": item.get("id"), "error": str(error)})

    spark = (
        pyspark.sql.SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    try:
        lines = [json.dumps(item) for item in _cohort(8)]
        rows = spark.sparkContext.parallelize(lines, 2).mapPartitions(issue_partition).collect()
    finally:
        spark.stop()
    results = [json.loads(row) for row in rows]
    assert len(results) == 8
    assert results[3]["failed"] == "urn:uuid:00000000-0000-4000-8000-000000000003"
    for i, credential in enumerate(results):
        if i != 3:
            assert credential["id"] == f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
            assert api.verify(credential).verified
