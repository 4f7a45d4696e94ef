"""did:web input (security review, finding 4): hosts are domain names, path segments have
one meaning.

Hosts: did:web §3.1 forbids IP addresses. A fetch goes through a URL parser, and WHATWG URL
parsers read any host whose last label is a number (decimal, 0x-hex, octal, short forms) as
IPv4, so each such spelling of 127.0.0.1 would reach the loopback interface.

Path segments: a segment percent-decodes (as UTF-8) to neither `.` nor `..`, and holds no
`/`, `\\`, `?`, `#`, control character, `%` (a server decoding twice would see `%2F` as `/`)
or `;` (servers that strip path parameters read `..;` as `..`). Other percent-encoded text
keeps working.
"""

from __future__ import annotations

import json

import pytest

from microcred.errors import InvalidDidError
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.did_web import DidWebResolver, did_web_document, did_web_to_url
from microcred.keys.keypair import KeyPair


def never_fetch(url: str) -> bytes:
    raise AssertionError(f"fetched {url}")


def assert_refused(did: str, problem: str) -> None:
    """Refused by the URL rules and by the resolver (never fetched), naming the problem."""
    with pytest.raises(InvalidDidError, match=problem):
        did_web_to_url(did)
    failure = DidWebResolver(never_fetch)(f"{did}#key-1")
    assert isinstance(failure, ResolutionFailure)
    assert failure.code == "INVALID_DID"
    assert problem in failure.message


def assert_resolves(did: str, url: str, key: KeyPair) -> None:
    """`did` is fetched from `url` and its key resolves."""
    assert did_web_to_url(did) == url
    pages = {url: json.dumps(did_web_document(did, key.public_key)).encode()}
    resolved = DidWebResolver(pages.__getitem__)(f"{did}#key-1")
    assert isinstance(resolved, VerificationMethod), resolved
    assert resolved.public_key == key.public_key


IP = "IPv4 address"
LOCAL = "local host name"
NOT_DOMAIN = "not a domain name"

REFUSED_HOSTS = [
    # dotted IPv4, and the other spellings WHATWG's IPv4 parser accepts for 127.0.0.1
    ("127.0.0.1", IP),
    ("169.254.169.254", IP),
    ("2130706433", IP),  # one decimal number
    ("0x7f000001", IP),  # one hex number
    ("0X7F000001", IP),
    ("017700000001", IP),  # one octal number (digits only)
    ("0177.0.0.1", IP),  # octal parts
    ("0x7f.0x0.0x0.0x1", IP),  # hex parts
    ("127.1", IP),  # short forms
    ("127.0.1", IP),
    ("0x7f.1", IP),  # mixed
    ("0177.0x0.1", IP),
    ("example.0x7f", IP),  # ends in a number: WHATWG parses (and refuses) it as IPv4
    ("example.0x", IP),
    ("example.09", IP),
    ("example.123", IP),
    ("127.0.0.1%3A8443", IP),
    # single labels and localhost (RFC 6761 §6.3)
    ("localhost", LOCAL),
    ("LOCALHOST", LOCAL),
    ("intranet", LOCAL),
    ("localhost%3A8443", LOCAL),
    ("wallet.localhost", LOCAL),
    # IPv6 literals, percent-encoded hosts, a trailing dot, nothing
    ("[::1]", NOT_DOMAIN),
    ("[::ffff:127.0.0.1]", NOT_DOMAIN),
    ("%5B%3A%3A1%5D", NOT_DOMAIN),
    ("127%2E0%2E0%2E1", NOT_DOMAIN),
    ("example%2Ecom", NOT_DOMAIN),
    ("127.0.0.1.", NOT_DOMAIN),
    ("example.com.", NOT_DOMAIN),
    ("", NOT_DOMAIN),
]


@pytest.mark.parametrize(("host", "problem"), REFUSED_HOSTS)
def test_refused_hosts(host: str, problem: str) -> None:
    assert_refused(f"did:web:{host}", problem)


def test_ipv6_with_colons_is_refused() -> None:
    """Unencoded colons split an IPv6 literal into path segments: the host is `[` or empty."""
    for did in ("did:web:[::1]", "did:web:::1", "did:web:[0:0:0:0:0:0:0:1]%3A443"):
        with pytest.raises(InvalidDidError):
            did_web_to_url(did)
        assert isinstance(DidWebResolver(never_fetch)(f"{did}#key-1"), ResolutionFailure)


VALID = [
    ("did:web:example.com", "https://example.com/.well-known/did.json"),
    ("did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"),
    ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
    ("did:web:example.com%3A8443:a:b", "https://example.com:8443/a/b/did.json"),
    ("did:web:sub.example.co.uk", "https://sub.example.co.uk/.well-known/did.json"),
    ("did:web:127.0.0.1.example", "https://127.0.0.1.example/.well-known/did.json"),
    ("did:web:0x7f.example", "https://0x7f.example/.well-known/did.json"),
    ("did:web:example.com1", "https://example.com1/.well-known/did.json"),
    ("did:web:example.0xg", "https://example.0xg/.well-known/did.json"),
    ("did:web:xn--bcher-kva.example", "https://xn--bcher-kva.example/.well-known/did.json"),
]


@pytest.mark.parametrize(("did", "url"), VALID)
def test_domain_names_keep_working(did: str, url: str) -> None:
    assert_resolves(did, url, KeyPair.generate("Ed25519"))


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


@pytest.mark.parametrize(("segment", "problem"), REFUSED_SEGMENTS)
def test_refused_segments(segment: str, problem: str) -> None:
    for did in (f"did:web:example.com:{segment}", f"did:web:example.com:user:{segment}:x"):
        assert_refused(did, problem)


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
    assert_resolves(did, url, KeyPair.generate("P-256"))
