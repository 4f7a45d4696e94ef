"""Refusals of the compacted-form reader: the typed error and the JSON path it fills in on
its way out of the walk (each level adds its key or index, so the walk builds no paths)."""

from __future__ import annotations

from typing import NoReturn

from microcred.errors import DataLossError, MicrocredError, NonCanonicalFormError, Path

__all__ = ["DATA_LOSS", "NON_CANONICAL", "Refused", "refuse"]

DATA_LOSS, NON_CANONICAL = DataLossError, NonCanonicalFormError


class Refused(Exception):
    """A refusal on its way out of the walk: the error class, the message, the path so far."""

    def __init__(self, error: type[MicrocredError], message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.error, self.message, self.path = error, message, list(path)

    def raise_typed(self) -> NoReturn:
        raise self.error(self.message, path=tuple(self.path))


def refuse(error: type[MicrocredError], message: str, *path: str | int) -> NoReturn:
    raise Refused(error, message, path)
