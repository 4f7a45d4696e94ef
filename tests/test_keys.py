"""keys.keypair: REC key pairs and signatures, Multikey/JWK rules, Signer protocol, properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.errors import InvalidKeyError, MicrocredError
from microcred.keys.keypair import KEY_TYPES, KeyPair, KeyType, PublicKey, Signer, parse_key_type
from microcred.keys.multibase import (
    base64url_encode,
    decode_base58btc,
    encode_base58btc,
    encode_varint,
)

DATA = Path(__file__).parent / "data" / "keys"
REC = json.loads((DATA / "rec-key-pairs.json").read_text("utf-8"))["keyPairs"]
# Group orders (SEC 2 v2 §2.4.2 secp256r1, §2.5.1 secp384r1): valid secret scalars are 1..n-1.
ORDERS = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
}
SECRET_HEADERS = {"Ed25519": 0x1300, "P-256": 0x1306, "P-384": 0x1307}
PUBLIC_HEADERS = {"Ed25519": 0xED, "P-256": 0x1200, "P-384": 0x1201}
SECRET_LENGTHS = {"Ed25519": 32, "P-256": 32, "P-384": 48}


def secret_multikey(key_type: KeyType, secret: bytes) -> str:
    return encode_base58btc(encode_varint(SECRET_HEADERS[key_type]) + secret)


@st.composite
def key_pairs(draw: st.DrawFn) -> KeyPair:
    """Key pairs of every type from drawn secret bytes, so hypothesis can shrink them."""
    key_type = draw(st.sampled_from(KEY_TYPES))
    if key_type == "Ed25519":
        secret = draw(st.binary(min_size=32, max_size=32))
    else:
        scalar = draw(st.integers(min_value=1, max_value=ORDERS[key_type] - 1))
        secret = scalar.to_bytes(SECRET_LENGTHS[key_type], "big")
    return KeyPair.from_multikey(secret_multikey(key_type, secret))


# --- REC vectors ----------------------------------------------------------------------------


@pytest.mark.parametrize("vector", REC, ids=[v["keyType"] for v in REC])
def test_rec_key_pair_decodes_and_derives_its_public_key(vector: dict[str, Any]) -> None:
    pair = KeyPair.from_multikey(vector["secretKeyMultibase"], vector["publicKeyMultibase"])
    assert pair.key_type == vector["keyType"]
    assert pair.public_multikey == vector["publicKeyMultibase"]
    assert pair.export_secret_multikey() == vector["secretKeyMultibase"]
    assert pair.did == "did:key:" + vector["publicKeyMultibase"]
    mb = vector["publicKeyMultibase"]
    assert pair.verification_method == f"did:key:{mb}#{mb}"
    assert PublicKey.from_multikey(mb) == pair.public_key


@pytest.mark.parametrize("vector", REC, ids=[v["keyType"] for v in REC])
def test_rec_signature_is_reproduced_byte_for_byte(vector: dict[str, Any]) -> None:
    pair = KeyPair.from_multikey(vector["secretKeyMultibase"])
    data = bytes.fromhex(vector["signature"]["combinedHashHex"])
    signature = pair.sign(data)
    assert signature.hex() == vector["signature"]["sigHex"]
    assert pair.public_key.verify(signature, data)


def _shared_key_pairs(reference_dir: Path) -> list[tuple[str, str, str]]:
    vectors = reference_dir / "vectors"
    found = []
    for path in [
        vectors / "vc-di-eddsa" / "keyPair.json",
        vectors / "vc-di-ecdsa" / "p256KeyPair.json",
        vectors / "vc-di-ecdsa" / "p384KeyPair.json",
    ]:
        found.append((path.name, json.loads(path.read_text("utf-8"))))
    for path in [
        vectors / "vc-di-eddsa" / "proof-set-chain" / "multiKeyPairs.json",
        vectors / "vc-di-ecdsa" / "ecdsa-sd-2023" / "SDKeyMaterial.json",
    ]:
        for name, pair in json.loads(path.read_text("utf-8")).items():
            if isinstance(pair, dict):
                found.append((f"{path.name}:{name}", pair))
    return [
        (name, p.get("secretKeyMultibase") or p["privateKeyMultibase"], p["publicKeyMultibase"])
        for name, p in found
    ]


def test_every_rec_key_pair_in_reference_folder(reference_dir: Path) -> None:
    pairs = _shared_key_pairs(reference_dir)
    assert len(pairs) == 9
    for name, secret, public in pairs:
        pair = KeyPair.from_multikey(secret)
        assert pair.public_multikey == public, name
        assert pair.export_secret_multikey() == secret, name


def test_every_rec_signature_in_reference_folder(reference_dir: Path) -> None:
    """sigHex and sigBTC58 of every eddsa/ecdsa suite stage folder (rdfc, jcs, employ, 2020)."""
    vectors = reference_dir / "vectors"
    keys = {
        "eddsa": vectors / "vc-di-eddsa" / "keyPair.json",
        "P256": vectors / "vc-di-ecdsa" / "p256KeyPair.json",
        "P384": vectors / "vc-di-ecdsa" / "p384KeyPair.json",
    }
    checked = 0
    for combined in sorted(vectors.glob("vc-di-*/**/combinedHash*.txt")):
        stem = combined.name.removeprefix("combinedHash")
        kind = "eddsa" if "eddsa" in str(combined) else ("P384" if "P384" in stem else "P256")
        key = json.loads(keys[kind].read_text("utf-8"))
        pair = KeyPair.from_multikey(key.get("secretKeyMultibase") or key["privateKeyMultibase"])
        signature = pair.sign(bytes.fromhex(combined.read_text("ascii")))
        assert signature.hex() == (combined.parent / f"sigHex{stem}").read_text("ascii"), combined
        assert encode_base58btc(signature) == (combined.parent / f"sigBTC58{stem}").read_text(
            "ascii"
        )
        checked += 1
    assert checked == 10


# --- Multikey rules (CID 1.0 §2.2.2) ----------------------------------------------------------


@pytest.mark.parametrize("vector", REC, ids=[v["keyType"] for v in REC])
def test_secret_key_where_public_key_expected_is_rejected(vector: dict[str, Any]) -> None:
    with pytest.raises(InvalidKeyError, match="secret key"):
        PublicKey.from_multikey(vector["secretKeyMultibase"])


@pytest.mark.parametrize("vector", REC, ids=[v["keyType"] for v in REC])
def test_public_key_where_secret_key_expected_is_rejected(vector: dict[str, Any]) -> None:
    with pytest.raises(InvalidKeyError, match="public key"):
        KeyPair.from_multikey(vector["publicKeyMultibase"])


def test_public_key_must_match_secret_key() -> None:
    with pytest.raises(InvalidKeyError, match="does not belong"):
        KeyPair.from_multikey(REC[0]["secretKeyMultibase"], REC[1]["publicKeyMultibase"])


def test_uncompressed_ec_point_is_refused_and_export_is_compressed() -> None:
    pair = KeyPair.from_multikey(REC[1]["secretKeyMultibase"])
    numbers = ec.derive_private_key(1, ec.SECP256R1()).public_key().public_numbers()
    uncompressed = b"\x04" + numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")
    with pytest.raises(InvalidKeyError):
        PublicKey.from_multikey(encode_base58btc(encode_varint(0x1200) + uncompressed))
    raw = decode_base58btc(pair.public_multikey)
    assert raw[:2] == bytes.fromhex("8024") and len(raw) == 35 and raw[2] in (2, 3)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", id="no multibase header"),
        pytest.param("uAe0B", id="base64url instead of base58btc"),
        pytest.param("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0", id="0 is not base58"),
        pytest.param("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2 ", id="trailing space"),
        pytest.param(encode_base58btc(encode_varint(0xEC) + bytes(32)), id="x25519-pub header"),
        pytest.param(
            encode_base58btc(encode_varint(0xE7) + b"\x02" + bytes(32)), id="secp256k1-pub header"
        ),
        pytest.param(encode_base58btc(encode_varint(0xED) + bytes(31)), id="short Ed25519 key"),
        pytest.param(encode_base58btc(encode_varint(0xED) + bytes(33)), id="long Ed25519 key"),
        pytest.param(
            encode_base58btc(encode_varint(0x1200) + b"\x02" + bytes(31)), id="short P-256 key"
        ),
        pytest.param(
            encode_base58btc(encode_varint(0x1200) + b"\x05" + bytes(32)), id="bad point prefix"
        ),
        pytest.param(encode_base58btc(b"\xed\x81\x00" + bytes(32)), id="non-minimal varint"),
        pytest.param(encode_base58btc(b"\xff" * 12), id="over-long varint"),
        pytest.param("z" + "2" * 200, id="too long"),
    ],
)
def test_malformed_public_multikey_raises_invalid_key_error(value: str) -> None:
    with pytest.raises(InvalidKeyError):
        PublicKey.from_multikey(value)


def test_ec_point_not_on_curve_is_refused() -> None:
    not_on_curve = next(
        raw
        for x in range(1, 50)
        for raw in [b"\x02" + x.to_bytes(32, "big")]
        if not _loads_as_point(raw)
    )
    with pytest.raises(InvalidKeyError, match="not a P-256 public key"):
        PublicKey("P-256", not_on_curve)


def _loads_as_point(raw: bytes) -> bool:
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True


def test_secret_scalar_out_of_range_is_refused() -> None:
    for scalar in (0, ORDERS["P-256"]):
        with pytest.raises(InvalidKeyError, match="out of range"):
            KeyPair.from_multikey(secret_multikey("P-256", scalar.to_bytes(32, "big")))


def test_non_string_multikey_is_refused() -> None:
    with pytest.raises(InvalidKeyError):
        PublicKey.from_multikey(b"z6Mk")  # type: ignore[arg-type]


# --- JWK ------------------------------------------------------------------------------------


def test_public_jwk_with_private_member_is_refused() -> None:
    private_jwk = KeyPair.from_multikey(REC[1]["secretKeyMultibase"]).to_jwk(include_secret=True)
    with pytest.raises(InvalidKeyError, match="'d'"):
        PublicKey.from_jwk(private_jwk)


def test_private_jwk_needs_d_and_matching_public_members() -> None:
    p256 = KeyPair.from_multikey(REC[1]["secretKeyMultibase"])
    with pytest.raises(InvalidKeyError, match="'d'"):
        KeyPair.from_jwk(p256.to_jwk())
    other = KeyPair.from_multikey(secret_multikey("P-256", (7).to_bytes(32, "big")))
    mixed = {**p256.to_jwk(include_secret=True), "d": other.to_jwk(include_secret=True)["d"]}
    with pytest.raises(InvalidKeyError, match="do not match"):
        KeyPair.from_jwk(mixed)


@pytest.mark.parametrize(
    "change",
    [
        {"kty": "RSA"},
        {"crv": "P-521"},
        {"crv": "secp256k1"},
        {"alg": "ES384"},
        {"x": "AAAA"},
        {"x": "not base64url!"},
        {"y": None},
        {"x": base64url_encode(b"\x01" * 32), "y": base64url_encode(b"\x01" * 32)},
    ],
)
def test_malformed_public_jwk_is_refused(change: dict[str, Any]) -> None:
    jwk = {**KeyPair.from_multikey(REC[1]["secretKeyMultibase"]).to_jwk(), **change}
    with pytest.raises(InvalidKeyError):
        PublicKey.from_jwk(jwk)


def test_jwk_alg_is_checked_when_present() -> None:
    ed = KeyPair.from_multikey(REC[0]["secretKeyMultibase"])
    assert PublicKey.from_jwk({**ed.to_jwk(), "alg": "EdDSA"}) == ed.public_key
    with pytest.raises(InvalidKeyError):
        PublicKey.from_jwk({**ed.to_jwk(), "alg": "ES256"})
    with pytest.raises(InvalidKeyError):
        PublicKey.from_jwk([("kty", "OKP")])  # type: ignore[arg-type]


def test_jwk_shapes() -> None:
    ed, p256, p384 = (KeyPair.from_multikey(v["secretKeyMultibase"]) for v in REC)
    assert set(ed.to_jwk()) == {"kty", "crv", "x"} and ed.to_jwk()["kty"] == "OKP"
    assert set(p256.to_jwk()) == {"kty", "crv", "x", "y"} and p256.to_jwk()["crv"] == "P-256"
    assert p384.to_jwk()["crv"] == "P-384"
    assert "d" not in p384.to_jwk() and "d" in p384.to_jwk(include_secret=True)


# --- key types, repr, immutability, Signer --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ed25519", "Ed25519"),
        ("ed25519", "Ed25519"),
        ("p256", "P-256"),
        ("P-256", "P-256"),
        ("p-384", "P-384"),
        ("P384", "P-384"),
    ],
)
def test_key_type_names(name: str, expected: str) -> None:
    assert parse_key_type(name) == expected
    assert KeyPair.generate(name).key_type == expected


@pytest.mark.parametrize("name", ["RSA", "secp256k1", "P-521", "", "ed-25519x"])
def test_unknown_key_type_is_refused(name: str) -> None:
    with pytest.raises(InvalidKeyError, match="unsupported key type"):
        KeyPair.generate(name)


def test_unsupported_pyca_key_is_refused() -> None:
    with pytest.raises(InvalidKeyError):
        KeyPair(ec.generate_private_key(ec.SECP521R1()))


def test_repr_never_shows_secret_material() -> None:
    for vector in REC:
        pair = KeyPair.from_multikey(vector["secretKeyMultibase"])
        text = repr(pair) + str(pair)
        assert vector["secretKeyMultibase"] not in text
        assert pair.to_jwk(include_secret=True)["d"] not in text
        assert vector["publicKeyMultibase"] in text


def test_keys_are_immutable_and_public_keys_hash_by_value() -> None:
    pair = KeyPair.from_multikey(REC[0]["secretKeyMultibase"])
    with pytest.raises(AttributeError):
        pair._public = pair.public_key
    with pytest.raises(AttributeError):
        pair.public_key._raw = b""
    again = PublicKey.from_multikey(REC[0]["publicKeyMultibase"])
    assert again == pair.public_key and hash(again) == hash(pair.public_key)
    assert again != KeyPair.from_multikey(REC[1]["secretKeyMultibase"]).public_key
    assert again != REC[0]["publicKeyMultibase"]


class FakeHsmSigner:
    """Stands in for a key held in an HSM/KMS: signs through a handle, never exports it."""

    def __init__(self, pair: KeyPair) -> None:
        self._handle = pair

    @property
    def key_type(self) -> KeyType:
        return self._handle.key_type

    @property
    def verification_method(self) -> str:
        return "did:web:issuer.example#hsm-key-1"

    def sign(self, data: bytes) -> bytes:
        return self._handle.sign(data)


def test_signer_protocol_conformance() -> None:
    pair = KeyPair.generate("P-256")
    hsm = FakeHsmSigner(pair)
    signers: list[Signer] = [pair, hsm]  # mypy checks structural conformance here
    for signer in signers:
        assert isinstance(signer, Signer)
        assert pair.public_key.verify(signer.sign(b"data"), b"data")
    assert not isinstance(pair.public_key, Signer)  # no sign(): a public key cannot sign
    assert not isinstance(object(), Signer)


def test_signature_formats() -> None:
    for key_type, size in (("Ed25519", 64), ("P-256", 64), ("P-384", 96)):
        pair = KeyPair.generate(key_type)
        signature = pair.sign(b"hello")
        assert len(signature) == size  # raw (P1363 r||s for ECDSA), never DER
        assert pair.sign(b"hello") == signature  # deterministic (RFC 8032 / RFC 6979)


def test_ecdsa_verify_accepts_random_k_signatures() -> None:
    """Verifiers must accept any valid signature, not only deterministic ones (ECDSA §3)."""
    private = ec.generate_private_key(ec.SECP384R1())
    pair = KeyPair(private)
    r, s = decode_dss_signature(private.sign(b"msg", ec.ECDSA(hashes.SHA384())))
    assert pair.public_key.verify(r.to_bytes(48, "big") + s.to_bytes(48, "big"), b"msg")


def test_pyca_key_constructor_matches_multikey() -> None:
    seed = bytes(range(32))
    assert KeyPair(
        ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    ).export_secret_multikey() == secret_multikey("Ed25519", seed)


def test_errors_are_microcred_errors() -> None:
    with pytest.raises(MicrocredError) as caught:
        PublicKey.from_multikey("nonsense")
    assert caught.value.code == "INVALID_KEY"


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(pair=key_pairs())
def test_multikey_and_jwk_round_trips(pair: KeyPair) -> None:
    public = pair.public_key
    assert PublicKey.from_multikey(public.multikey) == public
    assert PublicKey.from_jwk(public.to_jwk()) == public
    secret = pair.export_secret_multikey()
    assert KeyPair.from_multikey(secret, public.multikey).export_secret_multikey() == secret
    assert KeyPair.from_jwk(pair.to_jwk(include_secret=True)).export_secret_multikey() == secret
    assert public.did == "did:key:" + public.multikey
    assert public.verification_method == f"{public.did}#{public.multikey}"
    prefix = {"Ed25519": "z6Mk", "P-256": "zDna", "P-384": "z82L"}[pair.key_type]
    assert public.multikey.startswith(prefix)
    with pytest.raises(InvalidKeyError):
        PublicKey.from_multikey(secret)


@settings(max_examples=60, deadline=None)
@given(pair=key_pairs(), data=st.binary(max_size=200), bit=st.integers(min_value=0))
def test_sign_verify_and_any_flipped_bit_fails(pair: KeyPair, data: bytes, bit: int) -> None:
    signature = pair.sign(data)
    assert pair.public_key.verify(signature, data)
    flipped_signature = _flip(signature, bit)
    assert not pair.public_key.verify(flipped_signature, data)
    if data:
        assert not pair.public_key.verify(signature, _flip(data, bit))
    assert not pair.public_key.verify(signature, data + b"\x00")


def _flip(data: bytes, bit: int) -> bytes:
    index = bit % (8 * len(data))
    out = bytearray(data)
    out[index // 8] ^= 1 << (index % 8)
    return bytes(out)


@settings(max_examples=100, deadline=None)
@given(pair=key_pairs(), signature=st.binary(max_size=120), data=st.binary(max_size=64))
def test_verify_never_raises_for_malformed_signatures(
    pair: KeyPair, signature: bytes, data: bytes
) -> None:
    assert pair.public_key.verify(signature, data) in (False, True)
    assert pair.public_key.verify("not bytes", data) is False  # type: ignore[arg-type]


_HEADERS = sorted({*SECRET_HEADERS.values(), *PUBLIC_HEADERS.values(), 0xEC, 0xE7, 0xEB, 0})


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=80)
    | st.from_regex(r"z[1-9A-HJ-NP-Za-km-z]{0,80}", fullmatch=True)
    | st.builds(
        lambda code, body: encode_base58btc(encode_varint(code) + body),
        st.sampled_from(_HEADERS),
        st.binary(max_size=60),
    )
)
def test_random_multikeys_raise_only_invalid_key_error(text: str) -> None:
    for decode in (PublicKey.from_multikey, KeyPair.from_multikey):
        try:
            result = decode(text)
        except InvalidKeyError:
            continue
        assert isinstance(result, PublicKey | KeyPair)


_JWK_VALUES = st.one_of(
    st.sampled_from(["OKP", "EC", "Ed25519", "P-256", "P-384", "EdDSA", "ES256", "ES384"]),
    st.binary(max_size=50).map(base64url_encode),
    st.text(max_size=10),
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=3), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(
    jwk=st.dictionaries(
        st.sampled_from(["kty", "crv", "alg", "x", "y", "d", "kid"]), _JWK_VALUES, max_size=7
    )
)
def test_random_jwks_raise_only_invalid_key_error(jwk: dict[str, Any]) -> None:
    for read in (PublicKey.from_jwk, KeyPair.from_jwk):
        try:
            result = read(jwk)
        except InvalidKeyError:
            continue
        assert isinstance(result, PublicKey | KeyPair)
