"""Refusals of the compacted-form reader: the typed error and the JSON path it fills in on
its way out of the walk (each level adds its key or index, so the walk builds no paths)."""

from __future__ import annotations

import copy
from typing import NoReturn

from microcred.errors import DataLossError, MicrocredError, NonCanonicalFormError, Path

__all__ = ["DATA_LOSS", "NON_CANONICAL", "Refused", "refuse"]

DATA_LOSS, NON_CANONICAL = DataLossError, NonCanonicalFormError


class Refused(Exception):
    """A refusal on its way out of the walk: the error class, the message, the path so far."""

    def __init__(
        self,
        error: type[MicrocredError],
        message: str,
        path: Path = (),
        *,
        original: MicrocredError | None = None,
    ) -> None:
        super().__init__(message)
        self.error, self.message, self.path = error, message, list(path)
        self.original = original  # an error raised below the walk, kept as it was made

    def raise_typed(self) -> NoReturn:
        if self.original is not None:  # its own constructor (UnknownContextError takes a URL)
            found = copy.copy(self.original)
            found.path = tuple(self.path)
            raise found
        raise self.error(self.message, path=tuple(self.path))


def refuse(error: type[MicrocredError], message: str, *path: str | int) -> NoReturn:
    raise Refused(error, message, path)
