"""A batch run's journal: the credential id and status index promised to each input item,
written (and fsync'd) before the credential exists, so a run killed at any point resumes
without a second credential for an item or a status index used twice (docs/scale.md).

One JSON object per line: a header (what the run is bound to), `block` lines (status indexes
reserved before any is used), `promise` lines (item key → id, index) and `done` lines (keys
whose credential reached the output). A torn last line (a kill mid-write) is cut off when
the journal is opened; anything else malformed is a `JournalError`. An exclusive lock keeps
a second run off the journal until the first one ends, or dies.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microcred.errors import JournalError, JournalInUseError

__all__ = ["FORMAT", "Journal", "Promise"]

FORMAT = "microcred-issue-journal/1"


@dataclass(frozen=True, slots=True)
class Promise:
    """Item `item` (its idempotency key) gets credential `id` and status index `index`."""

    item: str
    id: str
    index: int | None = None


class Journal:
    """An append-only, locked journal file bound to `header` (key, input, output, list...).

    Opening an existing journal checks it was written for the same `header`, cuts a torn
    last line and reads every promise; `reserve`, `promise` and `done` append and fsync.
    """

    def __init__(self, path: str | os.PathLike[str], header: Mapping[str, Any]) -> None:
        self.path = Path(path)
        self.header = {"journal": FORMAT, **header}
        self.promises: dict[str, Promise] = {}
        self.done: set[str] = set()
        self._ids: set[str] = set()
        self._reserved: set[int] = set()
        self._used: set[int] = set()
        self._free: list[int] = []
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as error:
            raise JournalError(f"cannot open the journal {self.path}: {error.strerror}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise JournalInUseError(
                f"the journal {self.path} is in use by another run: wait for it to end"
            ) from None
        try:
            self._load()
        except BaseException:
            self.close()
            raise

    @property
    def fresh(self) -> bool:
        """True when nothing was promised yet (a new journal, or one with only its header)."""
        return not self.promises and not self._reserved

    @property
    def reserved(self) -> frozenset[int]:
        """Every status index this journal reserved, used or not (never to be handed out
        again by anyone)."""
        return frozenset(self._reserved)

    def owns_id(self, credential_id: str) -> bool:
        """True when a promise of this journal already carries `credential_id`."""
        return credential_id in self._ids

    def next_index(self) -> int | None:
        """A reserved status index no promise has, or None when a new block is needed."""
        return self._free.pop() if self._free else None

    def reserve(self, block: Sequence[int]) -> None:
        """Record a block of status indexes (already taken from the list's allocation record)
        before any of them is used."""
        indexes = list(block)
        if self._reserved.intersection(indexes) or len(set(indexes)) != len(indexes):
            raise JournalError("a status index would be reserved twice")
        self._append([{"block": indexes}])
        self._reserved.update(indexes)
        self._free.extend(reversed(indexes))

    def promise(self, promises: Sequence[Promise]) -> None:
        """Record promises before their credentials are issued (one write, one fsync)."""
        for p in promises:
            if p.item in self.promises or p.id in self._ids:
                raise JournalError(f"item {p.item!r} or id {p.id!r} is promised twice")
            if p.index is not None and (p.index not in self._reserved or p.index in self._used):
                raise JournalError(f"status index {p.index} is not a free reserved index")
        self._append([{"item": p.item, "id": p.id, "index": p.index} for p in promises])
        for p in promises:
            self._add(p)

    def mark_done(self, items: Iterable[str]) -> None:
        """Record that these items' credentials are in the output (after it was flushed)."""
        keys = list(items)
        if keys:
            self._append([{"done": keys}], sync=False)
            self.done.update(keys)

    def close(self) -> None:
        """Release the lock and the file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _append(self, records: list[dict[str, Any]], *, sync: bool = True) -> None:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
        written = 0
        while written < len(data):
            written += os.write(self._fd, data[written:])
        if sync:
            os.fsync(self._fd)

    def _add(self, promise: Promise) -> None:
        self.promises[promise.item] = promise
        self._ids.add(promise.id)
        if promise.index is not None:
            self._used.add(promise.index)

    def _load(self) -> None:
        data = os.pread(self._fd, os.fstat(self._fd).st_size, 0)
        complete = data.rfind(b"\n") + 1
        if complete < len(data):  # a torn last line: the run died writing it
            os.ftruncate(self._fd, complete)
        lines = data[:complete].split(b"\n")[:-1]
        if not lines:
            self._append([self.header])
            return
        records = []
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except ValueError:
                raise JournalError(f"{self.path} line {number} is not JSON") from None
            if not isinstance(record, dict):
                raise JournalError(f"{self.path} line {number} is not a JSON object")
            records.append(record)
        self._check_header(records[0])
        for number, record in enumerate(records[1:], 2):
            self._replay(record, number)
        self._free = sorted(self._reserved - self._used, reverse=True)

    def _check_header(self, found: Mapping[str, Any]) -> None:
        """The journal was written for this run: same format, key, input, output, list."""
        for name, wanted in self.header.items():
            if found.get(name) != wanted:
                raise JournalError(
                    f"{self.path} was written for {name} {found.get(name)!r}, not {wanted!r}: "
                    "use a new journal for another run",
                    path=(name,),
                )

    def _replay(self, record: Mapping[str, Any], number: int) -> None:
        where = f"{self.path} line {number}"
        if "block" in record:
            block = record["block"]
            if not isinstance(block, list) or not all(_index(i) for i in block):
                raise JournalError(f"{where}: a block is a list of status indexes")
            if self._reserved.intersection(block) or len(set(block)) != len(block):
                raise JournalError(f"{where}: a status index is reserved twice")
            self._reserved.update(block)
        elif "item" in record:
            item, credential_id, index = record.get("item"), record.get("id"), record.get("index")
            if not isinstance(item, str) or not isinstance(credential_id, str):
                raise JournalError(f"{where}: a promise names an item and an id (strings)")
            if item in self.promises or credential_id in self._ids:
                raise JournalError(
                    f"{where}: item {item!r} or id {credential_id!r} is promised twice"
                )
            if index is not None and (not _index(index) or index not in self._reserved):
                raise JournalError(f"{where}: status index {index!r} was never reserved")
            if index in self._used:
                raise JournalError(f"{where}: status index {index} is promised twice")
            self._add(Promise(item, credential_id, index))
        elif "done" in record:
            keys = record["done"]
            if not isinstance(keys, list) or not all(k in self.promises for k in keys):
                raise JournalError(f"{where}: done names items that were never promised")
            self.done.update(keys)
        else:
            raise JournalError(f"{where}: not a journal record")


def _index(value: Any) -> bool:
    return type(value) is int and value >= 0
