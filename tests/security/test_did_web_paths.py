"""did:web path segments (security review, finding 4): no traversal, no second meaning.

A segment percent-decodes (as UTF-8) to neither `.` nor `..`, and holds no `/`, `\\`, `?`, `#`,
control character, `%` (a server decoding twice would see `%2F` as `/`) or `;` (servers that
strip path parameters read `..;` as `..`). Other percent-encoded text keeps working.
"""

from __future__ import annotations

import json

import pytest

from microcred.errors import InvalidDidError
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.did_web import DidWebResolver, did_web_document, did_web_to_url
from microcred.keys.keypair import KeyPair

DOT = "dot segment"
UTF8 = "UTF-8"
ENCODES = "encodes"
SHAPE = "not a path segment"

REFUSED_SEGMENTS = [
    (".", DOT),
    ("..", DOT),
    ("%2E", DOT),
    ("%2e%2E", DOT),
    (".%2e", DOT),
    ("%2F", ENCODES),
    ("a%2fb", ENCODES),
    ("%5C", ENCODES),
    ("..%5C..", ENCODES),
    ("%3F", ENCODES),
    ("a%3Fx=1", SHAPE),  # "=" is not an idchar
    ("a%3Fx", ENCODES),
    ("%23", ENCODES),
    ("%25", ENCODES),
    ("%252e%252e", ENCODES),
    ("%252F", ENCODES),
    ("..%3B", ENCODES),
    ("%00", ENCODES),
    ("a%00b", ENCODES),
    ("%0A", ENCODES),
    ("%0d%0a", ENCODES),
    ("%09", ENCODES),
    ("%1F", ENCODES),
    ("%7F", ENCODES),
    ("%C2%85", ENCODES),  # U+0085, a C1 control
    ("%C0%AE%C0%AE", UTF8),  # overlong "..", read as such by lax decoders
    ("%C0%AF", UTF8),  # overlong "/"
    ("%FF", UTF8),
    ("%E2%82", UTF8),  # cut short
    ("%ED%A0%80", UTF8),  # a surrogate
    ("", SHAPE),
    ("a b", SHAPE),
    ("a\\b", SHAPE),
    ("%2", SHAPE),
    ("%zz", SHAPE),
]


def never_fetch(url: str) -> bytes:
    raise AssertionError(f"fetched {url}")


@pytest.mark.parametrize(("segment", "problem"), REFUSED_SEGMENTS)
def test_refused_segments(segment: str, problem: str) -> None:
    for did in (f"did:web:example.com:{segment}", f"did:web:example.com:user:{segment}:x"):
        with pytest.raises(InvalidDidError, match=problem):
            did_web_to_url(did)
        failure = DidWebResolver(never_fetch)(f"{did}#key-1")
        assert isinstance(failure, ResolutionFailure)
        assert failure.code == "INVALID_DID"
        assert problem in failure.message


VALID_SEGMENTS = [
    ("caf%C3%A9", "caf%C3%A9"),
    ("%E2%82%AC", "%E2%82%AC"),
    ("...", "..."),
    (".well-known", ".well-known"),
    ("a.b_c-d", "a.b_c-d"),
    ("%41", "%41"),
]


@pytest.mark.parametrize(("segment", "path"), VALID_SEGMENTS)
def test_other_segments_keep_working(segment: str, path: str) -> None:
    did = f"did:web:example.com:users:{segment}"
    url = f"https://example.com/users/{path}/did.json"
    assert did_web_to_url(did) == url
    key = KeyPair.generate("P-256")
    pages = {url: json.dumps(did_web_document(did, key.public_key)).encode()}
    resolved = DidWebResolver(pages.__getitem__)(f"{did}#key-1")
    assert isinstance(resolved, VerificationMethod), resolved
