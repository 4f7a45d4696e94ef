"""The compact JWS core against the RFCs' own examples (independent reference values).

RFC 8037 Appendix A.4 (Ed25519 signing, deterministic: our token must be byte-identical),
RFC 7515 Appendix A.3 (ES256) and A.2 (RS256), verified with the keys the RFCs publish.
"""

from __future__ import annotations

import pytest

from microcred.jose.algorithms import jws_algorithm, verify_jws
from microcred.jose.compact import parse_compact, serialize_compact
from microcred.keys.keypair import KeyPair, PublicKey
from microcred.keys.rsa import RsaPublicKey

# RFC 8037 Appendix A.1 (key) and A.4 (JWS over "Example of Ed25519 signing").
RFC8037_KEY = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
RFC8037_JWS = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)
# RFC 7515 Appendix A.3.1 (P-256 key) and A.3 (the JWS); ECDSA is randomised: verify only.
RFC7515_EC = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}
_RFC7515_INPUT = (
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
)
RFC7515_ES256 = (
    "eyJhbGciOiJFUzI1NiJ9."
    + _RFC7515_INPUT
    + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw"
    "5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
)
# RFC 7515 Appendix A.2.1 (RSA public key) and A.2 (the RS256 JWS).
RFC7515_RSA = {
    "kty": "RSA",
    "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0"
    "Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5re"
    "xMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFv"
    "UK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
    "e": "AQAB",
}
RFC7515_RS256 = (
    "eyJhbGciOiJSUzI1NiJ9."
    + _RFC7515_INPUT
    + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu"
    "3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLg"
    "rnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqt"
    "FZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUP"
    "QGe77Rw"
)


def test_rfc8037_a4_ed25519_signature_is_reproduced_byte_for_byte() -> None:
    key = KeyPair.from_jwk(RFC8037_KEY)
    token = serialize_compact({"alg": "EdDSA"}, b"Example of Ed25519 signing", key.sign)
    assert token == RFC8037_JWS
    jws = parse_compact(token)
    assert jws.payload == b"Example of Ed25519 signing"
    assert verify_jws(jws_algorithm("EdDSA"), key.public_key, jws.signing_input, jws.signature)


@pytest.mark.parametrize(
    ("token", "key"),
    [
        (RFC8037_JWS, PublicKey.from_jwk({k: v for k, v in RFC8037_KEY.items() if k != "d"})),
        (RFC7515_ES256, PublicKey.from_jwk(RFC7515_EC)),
        (RFC7515_RS256, RsaPublicKey.from_jwk(RFC7515_RSA)),
    ],
    ids=["rfc8037-a4-eddsa", "rfc7515-a3-es256", "rfc7515-a2-rs256"],
)
def test_rfc_examples_verify_and_any_changed_segment_does_not(token: str, key: object) -> None:
    jws = parse_compact(token)
    algorithm = jws_algorithm(jws.header["alg"])
    assert verify_jws(algorithm, key, jws.signing_input, jws.signature)  # type: ignore[arg-type]
    header, payload, signature = token.split(".")
    changed = [
        f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}",
        f"{header}.{payload}.{signature[:4]}{'A' if signature[4] != 'A' else 'B'}{signature[5:]}",
    ]
    for other in changed:
        parsed = parse_compact(other)
        assert not verify_jws(algorithm, key, parsed.signing_input, parsed.signature)  # type: ignore[arg-type]
