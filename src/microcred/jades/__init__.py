"""JAdES seals for European Digital Credentials (ETSI TS 119 182-1 on RFC 7515 / RFC 7797).

`seal` makes a JAdES baseline-B (or, with a caller's RFC 3161 time-stamper, B-T) e-seal in
JWS JSON General Serialization with an unencoded payload, as EDC seals credentials;
`verify_seal` checks one offline, time-stamps included. See docs/jades.md.
"""

from __future__ import annotations

from microcred.jades.algorithms import ALGORITHMS, SigningKey
from microcred.jades.jws import is_jades, read_payload
from microcred.jades.keystore import load_certificates, load_signing_key
from microcred.jades.seal import Timestamper, seal
from microcred.jades.validators import SealContext, SealValidator
from microcred.jades.verify import verify_seal

__all__ = [
    "ALGORITHMS",
    "SealContext",
    "SealValidator",
    "SigningKey",
    "Timestamper",
    "is_jades",
    "load_certificates",
    "load_signing_key",
    "read_payload",
    "seal",
    "verify_seal",
]
