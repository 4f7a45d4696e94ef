"""The journal file: promises replayed with every index reserved once and promised once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.errors import JournalError, JournalInUseError
from microcred.journal import Journal, Promise

HEADER = {"key": "did:key:z#z", "output": "/out.jsonl"}


def test_promises_survive_a_reopen_and_free_indexes_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal(path, HEADER) as journal:
        assert journal.fresh
        journal.reserve([7, 3, 9])
        first = journal.next_index()
        journal.promise([Promise("a", "urn:x:1", first)])
        journal.mark_done(["a"])
    with Journal(path, HEADER) as journal:
        assert journal.promises == {"a": Promise("a", "urn:x:1", first)}
        assert journal.done == {"a"}
        left = {journal.next_index(), journal.next_index()}
        assert left == {7, 3, 9} - {first} and journal.next_index() is None
        with pytest.raises(JournalError, match="promised twice"):
            journal.promise([Promise("b", "urn:x:1", None)])


def test_a_second_opener_is_refused_while_the_first_holds_it(tmp_path: Path) -> None:
    with Journal(tmp_path / "j", HEADER), pytest.raises(JournalInUseError):
        Journal(tmp_path / "j", HEADER)


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"block": [1]}, {"block": [1]}], "reserved twice"),
        ([{"item": "a", "id": "x", "index": 5}], "never reserved"),
        ([{"block": [5]}, {"item": "a", "id": "x", "index": 5},
          {"item": "b", "id": "y", "index": 5}], "promised twice"),
        ([{"done": ["a"]}], "never promised"),
        ([{"what": 1}], "not a journal record"),
    ],
)  # fmt: skip
def test_an_inconsistent_journal_is_refused(
    tmp_path: Path, records: list[dict[str, object]], message: str
) -> None:
    path = tmp_path / "j"
    lines = [{"journal": "microcred-issue-journal/1", **HEADER}, *records]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    with pytest.raises(JournalError, match=message):
        Journal(path, HEADER)
