"""IETF Token Status List (draft-ietf-oauth-status-list): the status of SD-JWT VCs and other
JWTs, as a compressed array of 1, 2, 4 or 8-bit values published in a signed JWT.

A referenced token says `"status": {"status_list": {"idx": 3, "uri": "https://…/1"}}`; the
Status List Token at `uri` (`typ` `statuslist+jwt`, `sub` = that uri) holds
`{"bits": 1, "lst": base64url(ZLIB(bytes))}`. Index i lives in byte `i*bits // 8`, at bit
`(i*bits) % 8` counted from the least significant bit (§4.1). Values: 0 VALID, 1 INVALID,
2 SUSPENDED, 3 application-specific (§7.1).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from microcred.errors import InvalidOptionError, MalformedDocumentError, StatusRangeError
from microcred.jose.sign import sign_jws
from microcred.keys.keypair import Signer
from microcred.keys.multibase import base64url_decode, base64url_encode

__all__ = [
    "INVALID",
    "MAX_ENTRIES",
    "SUSPENDED",
    "VALID",
    "TokenStatusList",
    "status_list_token",
]

VALID, INVALID, SUSPENDED = 0, 1, 2
MAX_ENTRIES = 16 * 1024 * 1024
"""The most entries a list read from outside may decompress to (bounds a zlib bomb)."""
_BITS = (1, 2, 4, 8)


class TokenStatusList:
    """A mutable status list of `size` entries of `bits` bits each, all VALID at first."""

    __slots__ = ("_bits", "_data", "_size")

    def __init__(self, size: int, *, bits: int = 1) -> None:
        if bits not in _BITS:
            raise InvalidOptionError(f"bits must be one of {_BITS}, not {bits!r}")
        if not isinstance(size, int) or not 0 < size <= MAX_ENTRIES:
            raise InvalidOptionError(f"size must be 1 to {MAX_ENTRIES} entries")
        self._bits, self._size = bits, size
        self._data = bytearray((size * bits + 7) // 8)

    @property
    def bits(self) -> int:
        return self._bits

    def __len__(self) -> int:
        return self._size

    def _place(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self._size:
            raise StatusRangeError(f"index {index!r} is outside the list (0 to {self._size - 1})")
        position = index * self._bits
        return position // 8, position % 8

    def __getitem__(self, index: int) -> int:
        byte, shift = self._place(index)
        return (self._data[byte] >> shift) & ((1 << self._bits) - 1)

    def __setitem__(self, index: int, value: int) -> None:
        byte, shift = self._place(index)
        mask = (1 << self._bits) - 1
        if not isinstance(value, int) or not 0 <= value <= mask:
            raise StatusRangeError(f"a {self._bits}-bit status is 0 to {mask}, not {value!r}")
        self._data[byte] = (self._data[byte] & ~(mask << shift)) | (value << shift)

    def encode(self) -> dict[str, Any]:
        """The `status_list` claim: `bits` and the ZLIB-compressed, base64url `lst` (§4.2)."""
        return {"bits": self._bits, "lst": base64url_encode(zlib.compress(bytes(self._data), 9))}

    @classmethod
    def decode(cls, claim: Any) -> TokenStatusList:
        """Read a `status_list` claim; MalformedDocumentError for a bad `bits`, `lst` that is
        not base64url ZLIB, or a list that decompresses beyond MAX_ENTRIES."""
        if not isinstance(claim, Mapping) or claim.get("bits") not in _BITS:
            raise MalformedDocumentError(
                "status_list needs bits 1, 2, 4 or 8", path=("status_list",)
            )
        bits, lst = claim["bits"], claim.get("lst")
        limit = MAX_ENTRIES * bits // 8
        try:
            if not isinstance(lst, str):
                raise TypeError("not a string")
            inflater = zlib.decompressobj()
            data = inflater.decompress(base64url_decode(lst), limit + 1)
        except Exception as error:  # base64url or zlib: either way not a list
            raise MalformedDocumentError(
                f"status_list.lst is not base64url ZLIB data: {error}", path=("status_list", "lst")
            ) from None
        if len(data) > limit or inflater.unconsumed_tail:
            raise MalformedDocumentError(
                f"status_list.lst holds more than {MAX_ENTRIES} entries",
                path=("status_list", "lst"),
            )
        if not data:
            raise MalformedDocumentError("status_list.lst is empty", path=("status_list", "lst"))
        listed = cls(len(data) * 8 // bits, bits=bits)
        listed._data[:] = data
        return listed


def status_list_token(
    status_list: TokenStatusList,
    *,
    uri: str,
    key: Signer,
    issued_at: datetime,
    expires: datetime | None = None,
    ttl: int | None = None,
) -> str:
    """The Status List Token (§5.1): a JWT `typ` `statuslist+jwt` whose `sub` is the `uri`
    referenced tokens point to, signed by `key`; `exp` and `ttl` (seconds) bound caching."""
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        raise InvalidOptionError("uri is the URL the list is published at")
    if ttl is not None and (not isinstance(ttl, int) or ttl <= 0):
        raise InvalidOptionError("ttl is a positive number of seconds")
    payload: dict[str, Any] = {
        "sub": uri,
        "iat": int(issued_at.timestamp()),
        "status_list": status_list.encode(),
    }
    if expires is not None:
        payload["exp"] = int(expires.timestamp())
    if ttl is not None:
        payload["ttl"] = ttl
    return sign_jws(payload, key=key, typ="statuslist+jwt")
