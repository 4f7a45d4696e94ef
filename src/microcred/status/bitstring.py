"""Bitstring Status List v1.0 for issuers: the bitstring, its encoding, entries, list credentials.

A `StatusList` owns a bytearray of `length` entries of `status_size` bits; index 0 is the
left-most (most significant) bit of byte 0 (BSL §2.2, §7.1). `encode()` gives the
`encodedList` value: multibase `u` + base64url (no padding) of the GZIP-compressed bitstring
(BSL §3.3). Gzip headers differ between implementations, so compare decoded bits, never
encoded strings. Entries and list credentials are `microcred.status.credential`; verifying
a credential's status is `microcred.status.check`.
"""

from __future__ import annotations

import gzip
import secrets
import zlib
from collections.abc import Callable, Iterable
from itertools import islice

from microcred.errors import (
    InvalidMultibaseError,
    InvalidOptionError,
    MalformedDocumentError,
    Path,
    StatusListFullError,
    StatusListLengthError,
    StatusRangeError,
)
from microcred.keys.multibase import decode_base64url, encode_base64url

__all__ = [
    "MIN_ENTRIES",
    "IndexAllocator",
    "StatusList",
    "compress_bitstring",
    "expand_bitstring",
    "read_status_size",
]

MIN_ENTRIES = 131_072  # BSL §3.2 step 2: minimumNumberOfEntries (16 KB of 1-bit entries)
_MAX_STATUS_SIZE = 16  # a larger entry would need more than 65,536 status messages
_MAX_BITSTRING_BYTES = 1 << 24  # 16 MiB expanded (134 million bits): stops gzip bombs
_MAX_GZIP_MEMBERS = 16  # encoders write one member; many empty ones are a CPU bomb


def read_status_size(status_size: object, *, path: Path = ()) -> int:
    """A `statusSize` value: an integer from 1 to 16 bits (BSL §2.1), else MALFORMED_VALUE_ERROR."""
    if isinstance(status_size, bool) or not isinstance(status_size, int) or status_size < 1:
        raise MalformedDocumentError("statusSize must be an integer greater than zero", path=path)
    if status_size > _MAX_STATUS_SIZE:
        raise MalformedDocumentError(
            f"statusSize {status_size} is above the supported {_MAX_STATUS_SIZE} bits", path=path
        )
    return status_size


class StatusList:
    """A status bitstring of `length` entries, each `status_size` bits wide (BSL §2.2).

    The list owns its bytearray: `set`/`clear` change it in place; `copy()` makes another.
    """

    __slots__ = ("_bits", "_length", "_status_size")

    def __init__(
        self, length: int = MIN_ENTRIES, *, status_size: int = 1, min_entries: int = MIN_ENTRIES
    ) -> None:
        size = read_status_size(status_size)
        if isinstance(length, bool) or not isinstance(length, int) or length < min_entries:
            raise StatusListLengthError(
                f"a status list needs at least {min_entries} entries, got {length!r}"
            )
        if length * size % 8:
            raise InvalidOptionError("length × status_size must fill whole bytes")
        self._bits = bytearray(length * size // 8)
        self._length = length
        self._status_size = size

    @classmethod
    def from_bitstring(
        cls, bitstring: bytes | bytearray, *, status_size: int = 1, min_entries: int = MIN_ENTRIES
    ) -> StatusList:
        """The list an uncompressed bitstring holds; too few entries raise STATUS_LIST_LENGTH_ERROR
        (BSL §3.2 step 9: bitstring length ÷ statusSize ≥ minimumNumberOfEntries)."""
        size = read_status_size(status_size)
        entries = len(bitstring) * 8 // size
        if entries < min_entries:
            raise StatusListLengthError(
                f"the status list has {entries} entries of {size} bit(s); "
                f"at least {min_entries} are required"
            )
        status_list = cls.__new__(cls)
        status_list._bits = bytearray(bitstring)
        status_list._length = entries
        status_list._status_size = size
        return status_list

    @classmethod
    def decode(
        cls, encoded: str, *, status_size: int = 1, min_entries: int = MIN_ENTRIES
    ) -> StatusList:
        """Read an `encodedList` value (BSL §3.4), checking the `u` header, base64url, GZIP and
        the length; errors are MALFORMED_VALUE_ERROR or STATUS_LIST_LENGTH_ERROR."""
        return cls.from_bitstring(
            expand_bitstring(encoded), status_size=status_size, min_entries=min_entries
        )

    @property
    def length(self) -> int:
        """The number of entries."""
        return self._length

    @property
    def status_size(self) -> int:
        """The width of one entry in bits."""
        return self._status_size

    def bitstring(self) -> bytes:
        """The uncompressed bitstring (a copy)."""
        return bytes(self._bits)

    def copy(self) -> StatusList:
        """An independent list with the same entries."""
        return StatusList.from_bitstring(
            self._bits, status_size=self._status_size, min_entries=self._length
        )

    def encode(self) -> str:
        """The `encodedList` value: `u` + base64url(GZIP(bitstring)) (BSL §3.3 step 3)."""
        return compress_bitstring(self._bits)

    def _first_bit(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self._length:
            raise StatusRangeError(f"index {index!r} is outside the list (0 to {self._length - 1})")
        return index * self._status_size

    def get(self, index: int) -> int:
        """The status value at `index`: its `status_size` bits read most significant first."""
        first = self._first_bit(index)
        value = 0
        for bit in range(first, first + self._status_size):
            value = value << 1 | (self._bits[bit >> 3] >> (7 - (bit & 7))) & 1
        return value

    def set(self, index: int, value: int = 1) -> None:
        """Give the entry at `index` the status `value` (0 to 2**status_size - 1)."""
        first = self._first_bit(index)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidOptionError(f"a status value must be an integer, got {value!r}")
        if not 0 <= value < 1 << self._status_size:
            raise StatusRangeError(f"status {value} does not fit in {self._status_size} bit(s)")
        for offset in range(self._status_size):
            bit = first + offset
            mask = 0x80 >> (bit & 7)
            if value >> (self._status_size - 1 - offset) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask

    def clear(self, index: int) -> None:
        """Set the entry at `index` back to status 0 (e.g. lift a suspension)."""
        self.set(index, 0)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusList):
            return NotImplemented
        return (self._status_size, self._bits) == (other._status_size, other._bits)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"StatusList(length={self._length}, status_size={self._status_size})"


def compress_bitstring(bitstring: bytes | bytearray) -> str:
    """GZIP then multibase base64url without padding (BSL §3.3 step 3); mtime 0 for stable bytes."""
    return encode_base64url(gzip.compress(bytes(bitstring), compresslevel=9, mtime=0))


def expand_bitstring(encoded: object, *, path: Path = ()) -> bytes:
    """Bitstring Expansion (BSL §3.4): multibase-decode (`u` only), then GZIP-decompress.

    Raises MALFORMED_VALUE_ERROR for a wrong header, bad base64url or bad GZIP data (also
    trailing bytes after the last member), for an expansion above 16 MiB (a GZIP bomb, not a
    status list) and for more than 16 GZIP members.
    """
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise MalformedDocumentError(
            "encodedList must be multibase base64url: a string starting with 'u'", path=path
        )
    try:
        compressed = decode_base64url(encoded)
    except InvalidMultibaseError as error:
        raise MalformedDocumentError(f"encodedList: {error.message}", path=path) from None
    return _gunzip(compressed, path)


def _gunzip(data: bytes, path: Path) -> bytes:
    """Decompress the GZIP members (RFC 1952 §2.2) of `data`, with limits on the output size
    and on the member count: every new member copies the input left after it, so without a
    cap many empty members would take time quadratic in the input length."""
    out = bytearray()
    rest = data
    for member in range(_MAX_GZIP_MEMBERS):
        what = f"the data after GZIP member {member} of encodedList" if member else "encodedList"
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, _MAX_BITSTRING_BYTES + 1 - len(out))
        except zlib.error as error:
            raise MalformedDocumentError(f"{what} is not GZIP data: {error}", path=path) from None
        if len(out) > _MAX_BITSTRING_BYTES or inflater.unconsumed_tail:
            raise MalformedDocumentError(
                f"encodedList expands beyond {_MAX_BITSTRING_BYTES} bytes", path=path
            )
        if not inflater.eof:
            raise MalformedDocumentError(f"{what} is truncated GZIP data", path=path)
        rest = inflater.unused_data
        if not rest:
            return bytes(out)
    raise MalformedDocumentError(
        f"encodedList has more than {_MAX_GZIP_MEMBERS} GZIP members", path=path
    )


class IndexAllocator:
    """Random status list indexes without reuse (BSL §2.1: assign indexes randomly).

    Draws with `secrets.randbelow`; restore it from the indexes already used. It owns its set
    of used indexes; `allocate()` raises StatusListFullError when none is left.
    """

    __slots__ = ("_length", "_randbelow", "_used")

    def __init__(
        self,
        length: int = MIN_ENTRIES,
        used: Iterable[int] = (),
        *,
        randbelow: Callable[[int], int] = secrets.randbelow,
    ) -> None:
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise InvalidOptionError(f"length must be a positive integer, got {length!r}")
        self._length = length
        self._used: set[int] = set()
        for index in used:
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < length:
                raise StatusRangeError(f"used index {index!r} is outside 0 to {length - 1}")
            self._used.add(index)
        self._randbelow = randbelow

    @property
    def used(self) -> frozenset[int]:
        """The indexes handed out so far (persist these to restore the allocator)."""
        return frozenset(self._used)

    @property
    def remaining(self) -> int:
        """How many indexes are still free."""
        return self._length - len(self._used)

    def allocate(self) -> int:
        """A random index never handed out before."""
        free = self.remaining
        if free == 0:
            raise StatusListFullError(f"all {self._length} indexes of the status list are used")
        if len(self._used) * 2 < self._length:  # mostly free: draw until a free one comes up
            index = self._randbelow(self._length)
            while index in self._used:
                index = self._randbelow(self._length)
        else:  # mostly used: pick the k-th free index uniformly
            free_indexes = (i for i in range(self._length) if i not in self._used)
            index = next(islice(free_indexes, self._randbelow(free), None))
        self._used.add(index)
        return index
