"""Every issuing format signs only for the issuer that controls the key: an absent issuer
id becomes the key's controller, another issuer id is refused with its path
(MicroCredential.issued_by, shared by api.issue and bindings.eudi)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from microcred import api
from microcred.errors import ProofGenerationError
from microcred.keys.keypair import KeyPair
from microcred.model import MicroCredential
from microcred.testing.corpus import sample_micro_credential

KEY, OTHER = KeyPair.generate("Ed25519"), KeyPair.generate("Ed25519")
FORMATS = ["vc", "vc+jwt", "ob3", "dc+sd-jwt"]


def _input(issuer_id: str | None) -> dict[str, Any]:
    data = sample_micro_credential()
    data["issuer"] = {k: v for k, v in data["issuer"].items() if k != "id"}
    if issuer_id is not None:
        data["issuer"]["id"] = issuer_id
    return data


@pytest.mark.parametrize("format", FORMATS)
def test_an_issuer_that_does_not_control_the_key_is_refused(format: str) -> None:
    with pytest.raises(ProofGenerationError, match="does not control the key") as raised:
        api.issue(_input(OTHER.did), key=KEY, format=format)
    assert raised.value.path == ("issuer", "id")


@pytest.mark.parametrize("format", FORMATS)
def test_an_absent_issuer_id_becomes_the_keys_controller(format: str) -> None:
    issued = api.issue(_input(None), key=KEY, format=format)
    assert api.verify(issued).verified
    if isinstance(issued, str):  # vc+jwt, dc+sd-jwt: the JWT's payload names it
        payload = issued.split("~")[0].split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        issuer = claims.get("iss") or claims["issuer"]["id"]  # dc+sd-jwt / vc+jwt
        assert issuer == KEY.did
    else:
        issuer = issued["issuer"]
        assert (issuer["id"] if isinstance(issuer, dict) else issuer) == KEY.did


def test_issued_by_fills_checks_and_keeps() -> None:
    mc = MicroCredential.parse(_input(None))
    filled = mc.issued_by(KEY.verification_method)
    assert filled.issuer.id == KEY.did
    assert filled.issued_by(KEY.verification_method) is filled
    with pytest.raises(ProofGenerationError):
        filled.issued_by(OTHER.verification_method)
