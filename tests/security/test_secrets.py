"""Secret key material never shows in an error, repr or str (security review, finding 1).

Keys of every type; their `secretKeyMultibase` and JWK `d` corrupted in many ways and handed to
every public entry that takes secret material. No 6-character piece of the secret's text (the
multibase string, the base64url `d`, the hex of the raw bytes) may appear in what comes back.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.cli import main
from microcred.errors import InvalidKeyError, InvalidMultibaseError
from microcred.keys.did_key import ResolutionFailure, resolve_did_key
from microcred.keys.did_web import DidWebResolver
from microcred.keys.keypair import KEY_TYPES, KeyPair, KeyType, PublicKey
from microcred.keys.multibase import (
    base64url_decode,
    decode_base58btc,
    decode_varint,
    encode_base58btc,
    encode_varint,
)

WINDOW = 6
# Group orders (SEC 2 v2 §2.4.2 secp256r1, §2.5.1 secp384r1): valid secret scalars are 1..n-1.
ORDERS = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
}
SECRET_LENGTHS = {"Ed25519": 32, "P-256": 32, "P-384": 48}
# CID 1.0 §2.2.2 headers, plus other key codecs (x25519-priv, secp256k1-priv/pub) and nonsense.
HEADERS = [0x1300, 0x1306, 0x1307, 0xED, 0x1200, 0x1201, 0x1302, 0x1301, 0xE7, 0, 0xFFFF]
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
WHITESPACE = st.sampled_from([" ", "\n", "\r\n", "\t", "\u00a0", "\u2028", "\x00"])
NON_ASCII = st.sampled_from(["é", "\u0661", "\uff11", "\u200b", "\U0001f511", "\udc80"])
FOREIGN = "0OIl+/=!%."  # outside one or both alphabets


@st.composite
def key_pairs(draw: st.DrawFn) -> KeyPair:
    """Key pairs of every type from drawn secret bytes, so hypothesis can shrink them."""
    key_type: KeyType = draw(st.sampled_from(KEY_TYPES))
    if key_type == "Ed25519":
        secret = draw(st.binary(min_size=32, max_size=32))
    else:
        scalar = draw(st.integers(min_value=1, max_value=ORDERS[key_type] - 1))
        secret = scalar.to_bytes(SECRET_LENGTHS[key_type], "big")
    header = {"Ed25519": 0x1300, "P-256": 0x1306, "P-384": 0x1307}[key_type]
    return KeyPair.from_multikey(encode_base58btc(encode_varint(header) + secret))


def corruptions(text: str, alphabet: str) -> st.SearchStrategy[str]:
    """`text` with whitespace around it, one character changed or added, cut short, too long."""
    index = st.integers(min_value=0, max_value=len(text) - 1)
    return st.one_of(
        WHITESPACE.map(lambda space: text + space),
        WHITESPACE.map(lambda space: space + text),
        st.tuples(index, st.sampled_from(alphabet + FOREIGN)).map(
            lambda change: text[: change[0]] + change[1] + text[change[0] + 1 :]
        ),
        st.tuples(index, NON_ASCII).map(
            lambda change: text[: change[0]] + change[1] + text[change[0] :]
        ),
        index.map(lambda end: text[:end]),
        st.integers(min_value=1, max_value=300).map(lambda extra: text + text[1:] * extra),
    )


def multikey_corruptions(pair: KeyPair) -> st.SearchStrategy[str]:
    """The above, plus a wrong multibase header, or the raw secret under another multicodec."""
    text = pair.export_secret_multikey()
    raw = secret_bytes(pair)
    return st.one_of(
        corruptions(text, BASE58),
        st.sampled_from(["", "u", "Z", "m", "f", "M", "zz"]).map(lambda header: header + text[1:]),
        st.sampled_from(HEADERS).map(lambda code: encode_base58btc(encode_varint(code) + raw)),
        st.just(encode_base58btc(raw)),
    )


def jwk_d_corruptions(pair: KeyPair) -> st.SearchStrategy[Any]:
    """Corrupted base64url `d`, padded, in standard base64, or not a string at all."""
    d = pair.to_jwk(include_secret=True)["d"]
    raw = secret_bytes(pair)
    return st.one_of(
        corruptions(d, BASE64URL),
        st.just(d + "=" * (-len(d) % 4 or 4)),
        st.just(d.replace("-", "+").replace("_", "/") + "+/"),
        st.sampled_from([raw, int.from_bytes(raw, "big"), [d], {"d": d}, "u" + d]),
    )


def secret_bytes(pair: KeyPair) -> bytes:
    """The raw secret (Ed25519 seed or EC scalar) without its multicodec header."""
    data = decode_base58btc(pair.export_secret_multikey())
    return data[decode_varint(data)[1] :]


def secret_pieces(pair: KeyPair) -> set[str]:
    """Every 6-character piece of the secret's multibase, base64url `d` and hex forms."""
    texts = [
        pair.export_secret_multikey(),
        pair.to_jwk(include_secret=True)["d"],
        secret_bytes(pair).hex(),
    ]
    return {text[i : i + WINDOW] for text in texts for i in range(len(text) - WINDOW + 1)}


def assert_not_shown(pieces: set[str], shown: str) -> None:
    leaked = sorted(piece for piece in pieces if piece in shown)
    assert not leaked, f"secret pieces {leaked} in: {shown!r}"


def assert_refused_quietly(pieces: set[str], call: Callable[[], object]) -> None:
    """`call` raises InvalidKeyError saying nothing of the secret, or returns an object whose
    repr and str say nothing of it (a corruption can land on another valid key)."""
    try:
        result = call()
    except InvalidKeyError as error:
        formatted = "".join(traceback.format_exception(error))
        assert_not_shown(pieces, f"{error}\n{error!r}\n{error.message}\n{formatted}")
    else:
        assert_not_shown(pieces, f"{result!r}\n{result}")


MULTIKEY_ENTRIES: dict[str, Callable[[KeyPair, str], object]] = {
    "KeyPair.from_multikey": lambda pair, text: KeyPair.from_multikey(text),
    "KeyPair.from_multikey with its public key": lambda pair, text: KeyPair.from_multikey(
        text, pair.public_multikey
    ),
    "KeyPair.from_multikey, secret in the public place": lambda pair, text: KeyPair.from_multikey(
        pair.export_secret_multikey(), text
    ),
    "PublicKey.from_multikey": lambda pair, text: PublicKey.from_multikey(text),
}
JWK_ENTRIES: dict[str, Callable[[dict[str, Any]], object]] = {
    "KeyPair.from_jwk": KeyPair.from_jwk,
    "PublicKey.from_jwk": PublicKey.from_jwk,
}


@pytest.mark.parametrize("entry", MULTIKEY_ENTRIES)
@settings(max_examples=150, deadline=None)
@given(pair=key_pairs(), data=st.data())
def test_corrupted_secret_multikey_is_never_echoed(
    entry: str, pair: KeyPair, data: st.DataObject
) -> None:
    corrupted = data.draw(multikey_corruptions(pair), label="corrupted")
    assert_refused_quietly(secret_pieces(pair), lambda: MULTIKEY_ENTRIES[entry](pair, corrupted))


@pytest.mark.parametrize("entry", JWK_ENTRIES)
@settings(max_examples=150, deadline=None)
@given(pair=key_pairs(), data=st.data())
def test_corrupted_jwk_d_is_never_echoed(entry: str, pair: KeyPair, data: st.DataObject) -> None:
    jwk = {**pair.to_jwk(include_secret=True), "d": data.draw(jwk_d_corruptions(pair), label="d")}
    assert_refused_quietly(secret_pieces(pair), lambda: JWK_ENTRIES[entry](jwk))


@settings(max_examples=60, deadline=None)
@given(pair=key_pairs(), other=key_pairs())
def test_valid_secrets_in_the_wrong_place_are_never_echoed(pair: KeyPair, other: KeyPair) -> None:
    """A secret where a public key goes, or with another key's public members."""
    pieces = secret_pieces(pair)
    secret = pair.export_secret_multikey()
    private_jwk = pair.to_jwk(include_secret=True)
    mixed_jwk = {**other.to_jwk(), "d": private_jwk["d"]}
    for call in (
        lambda: PublicKey.from_multikey(secret),
        lambda: KeyPair.from_multikey(pair.public_multikey, secret),
        lambda: KeyPair.from_multikey(secret, other.public_multikey),
        lambda: PublicKey.from_jwk(private_jwk),
        lambda: KeyPair.from_jwk(mixed_jwk),
    ):
        assert_refused_quietly(pieces, call)


@settings(max_examples=60, deadline=None)
@given(pair=key_pairs())
def test_key_pair_repr_and_str_hold_no_secret(pair: KeyPair) -> None:
    assert_not_shown(secret_pieces(pair), f"{pair!r}\n{pair}\n{pair.public_key!r}")


@settings(max_examples=100, deadline=None)
@given(
    head=st.tuples(*[st.integers(min_value=0x80, max_value=0xFF)] * 3),
    last=st.integers(min_value=1, max_value=0x7F),
    rest=st.binary(min_size=28, max_size=28),
)
def test_a_headerless_secret_is_not_quoted_as_a_multicodec(
    head: tuple[int, int, int], last: int, rest: bytes
) -> None:
    """A secret without its header used to come back as "unsupported Multikey header 0x…":
    its first bytes, read as a varint. Four varint bytes make a code of at least 6 hex digits."""
    secret = bytes([*head, last]) + rest
    code, used = decode_varint(secret)
    assert used == 4 and code >= 0x200000
    for decode in (PublicKey.from_multikey, KeyPair.from_multikey):
        with pytest.raises(InvalidKeyError) as caught:
            decode(encode_base58btc(secret))
        assert f"{code:x}" not in str(caught.value).lower()
        assert str(code) not in str(caught.value)


def test_the_reported_key_file_newline() -> None:
    """The review's reproduction: a secretKeyMultibase with a newline appended."""
    pair = KeyPair.generate("Ed25519")
    with pytest.raises(InvalidKeyError) as caught:
        KeyPair.from_multikey(pair.export_secret_multikey() + "\n", pair.public_multikey)
    assert caught.value.code == "INVALID_KEY"
    assert_not_shown(secret_pieces(pair), f"{caught.value}\n{caught.value!r}")


def test_base64url_decoder_never_echoes_its_input() -> None:
    """The JWK `d` decoder on its own: a bad character, a bad length, trailing bits set."""
    pair = KeyPair.generate("P-256")
    d = pair.to_jwk(include_secret=True)["d"]  # 43 characters: the last has 2 unused bits
    trailing_bit = d[:-1] + BASE64URL[BASE64URL.index(d[-1]) ^ 1]
    for text in (d + "\n", "+" + d[1:], d[:41], trailing_bit):
        with pytest.raises(InvalidMultibaseError) as caught:
            base64url_decode(text)
        assert_not_shown(secret_pieces(pair), f"{caught.value}\n{caught.value!r}")


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_resolvers_never_echo_a_secret_published_as_a_key(key_type: str) -> None:
    """A secret (valid or corrupted) where a did:key or did:web document holds a public key.
    The failure's `url` is the caller's own input and is given back as it came."""
    pair = KeyPair.generate(key_type)
    secret = pair.export_secret_multikey()
    pieces = secret_pieces(pair)
    for value in (secret, secret + "\n", secret[:-3]):
        failure = resolve_did_key(f"did:key:{value}")
        assert isinstance(failure, ResolutionFailure)
        assert_not_shown(pieces, failure.message)
    did = "did:web:issuer.example"
    for method in (
        {"type": "Multikey", "publicKeyMultibase": secret},
        {"type": "Multikey", "publicKeyMultibase": secret + "\n"},
        {"type": "JsonWebKey", "publicKeyJwk": pair.to_jwk(include_secret=True)},
    ):
        document = {
            "id": did,
            "verificationMethod": [{"id": f"{did}#key-1", "controller": did, **method}],
            "assertionMethod": [f"{did}#key-1"],
        }
        failure = DidWebResolver(lambda url, doc=document: json.dumps(doc).encode())(f"{did}#key-1")
        assert isinstance(failure, ResolutionFailure)
        assert_not_shown(pieces, f"{failure.message}\n{failure!r}")


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(
            lambda key: {**key, "secretKeyMultibase": key["secretKeyMultibase"] + "\n"},
            id="newline appended",
        ),
        pytest.param(
            lambda key: {**key, "secretKeyMultibase": " " + key["secretKeyMultibase"]},
            id="space prepended",
        ),
        pytest.param(
            lambda key: {**key, "secretKeyMultibase": key["secretKeyMultibase"][:-2]},
            id="truncated",
        ),
        pytest.param(
            lambda key: {**key, "publicKeyMultibase": key["secretKeyMultibase"] + "\n"},
            id="secret as the public key",
        ),
    ],
)
def test_cli_key_file_errors_never_echo_the_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], corrupt: Callable[[Any], Any]
) -> None:
    key_path, document_path = tmp_path / "key.json", tmp_path / "document.json"
    assert main(["keygen", "--type", "p-256", "-o", str(key_path)]) == 0
    key = json.loads(key_path.read_text("utf-8"))
    pair = KeyPair.from_multikey(key["secretKeyMultibase"])
    key_path.write_text(json.dumps(corrupt(key)), "utf-8")
    document_path.write_text(json.dumps({"@context": []}), "utf-8")
    capsys.readouterr()
    assert main(["sign", str(document_path), "--key", str(key_path)]) == 2
    out, err = capsys.readouterr()
    assert "INVALID_KEY" in err
    assert_not_shown(secret_pieces(pair), out + err)
