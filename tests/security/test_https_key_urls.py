"""The two resolvers that fetch https key documents (CID controller documents, JWT VC
Issuer Metadata) refuse the same URLs before anything is fetched: userinfo (even empty,
or a password alone), a query, port 0, no host, or not https. Found in review: the JWT
VC issuer resolver let `https://:secret@issuer.example` through to the caller's fetch."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import HttpsControllerResolver, JwtVcIssuerResolver
from microcred.keys.did_key import ResolutionFailure

REFUSED = [
    ("https://:secret@issuer.example/keys#k", "INVALID_VERIFICATION_METHOD_URL"),
    ("https://user@issuer.example/keys#k", "INVALID_VERIFICATION_METHOD_URL"),
    ("https://@issuer.example/keys#k", "INVALID_VERIFICATION_METHOD_URL"),
    ("https://issuer.example/keys?x=1#k", "INVALID_VERIFICATION_METHOD_URL"),
    ("https://issuer.example:0/keys#k", "INVALID_VERIFICATION_METHOD_URL"),
    ("https://issuer.example:99999/keys#k", "INVALID_VERIFICATION_METHOD_URL"),
    ("https:///keys#k", "INVALID_VERIFICATION_METHOD_URL"),
    ("http://issuer.example/keys#k", "METHOD_NOT_SUPPORTED"),
    ("https://issuer.example/" + "a" * 3000, "INVALID_VERIFICATION_METHOD_URL"),
    (42, "INVALID_VERIFICATION_METHOD_URL"),
]


@pytest.mark.parametrize("resolver", [HttpsControllerResolver, JwtVcIssuerResolver])
@pytest.mark.parametrize(("url", "code"), REFUSED)
def test_a_key_url_a_fetch_must_not_see_is_refused_unfetched(
    resolver: Any, url: Any, code: str
) -> None:
    fetched: list[str] = []

    def fetch(location: str) -> bytes:
        fetched.append(location)
        raise OSError("not served")

    found = resolver(fetch)(url)
    assert isinstance(found, ResolutionFailure) and found.code == code, found
    assert fetched == []
