"""The JWT samples of the 1EdTech validator's test set (../shared/reference/ob3/1edtech-validator),
verified offline: a fetch fixture serves the issuer profile, a loader the contexts.

Expected outcomes and why (the validator's own tests, OB30Tests.java / CLR20Tests.java at the
commit SOURCES.md names):
- clr20/simple.jwt: VALID. It carries its RSA key in a `jwk` header; a self-asserted key
  binds nothing, so the fixture publishes that key on the issuer's profile, as an issuer
  would. Its draft context URLs are served with the validator's own copies of the OB and
  CLR contexts (a test-only decision, as the validator does with its bundled files).
- ob30/simple.jwt: INVALID. It names no key (no `kid`, no `jwk`); the validator's JWT probe
  refuses it ("Key must present in either jwk or kid value") and its tests only parse it.
  Its signing key is published nowhere (none of the keys in the validator repository
  verifies it), so the issuer's profile key of the fixture does not verify it either.
- ob30/velocity.jwt: INVALID, "due to the lack of ob's extension context": its Velocity
  context is unknown (and its did:velocity key method is not supported).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import HttpsControllerResolver, StaticLoader, Verifier, chain_resolvers
from microcred.jsonld.loader import DocumentLoader, chain
from microcred.keys.multibase import base64url_decode
from microcred.keys.resolvers import resolve_offline

ISSUER = "https://example.edu/issuers/565049"
DRAFT_CONTEXTS = {
    "https://imsglobal.github.io/openbadges-specification/context.json": "ob-v3p0.json",
    "https://dc.imsglobal.org/draft/clr/v2p0/context": "clr-v2p0.json",
}
EXPECTED = {  # sample: (verified, a code the result must carry)
    "clr20/simple.jwt": (True, None),
    "ob30/simple.jwt": (False, "PROOF_VERIFICATION_ERROR"),
    "ob30/velocity.jwt": (False, "UNKNOWN_CONTEXT"),
}


@pytest.fixture
def samples(reference_dir: Path) -> Path:
    return reference_dir / "ob3" / "1edtech-validator"


@pytest.fixture
def verifier(samples: Path, reference_loader: DocumentLoader) -> Verifier:
    token = (samples / "clr20" / "simple.jwt").read_text("ascii").strip()
    jwk = json.loads(base64url_decode(token.split(".")[0]))["jwk"]
    profile = {
        "id": ISSUER,
        "type": "Profile",
        "verificationMethod": [
            {
                "id": ISSUER + "#key-1",
                "type": "JsonWebKey",
                "controller": ISSUER,
                "publicKeyJwk": jwk,
            }
        ],
        "assertionMethod": ["#key-1"],
    }

    def fetch(url: str) -> bytes:
        if url != ISSUER:
            raise LookupError(f"the fixture serves {ISSUER} only, not {url}")
        return json.dumps(profile).encode()

    drafts = {
        url: json.loads((samples / "contexts" / name).read_text("utf-8"))
        for url, name in DRAFT_CONTEXTS.items()
    }
    return Verifier(
        loader=chain(reference_loader, StaticLoader(drafts)),
        resolver=chain_resolvers(resolve_offline, HttpsControllerResolver(fetch)),
    )


def test_each_jwt_sample_gives_the_validators_outcome(samples: Path, verifier: Verifier) -> None:
    rows: list[tuple[str, str, str, Any]] = []
    for name, (verified, code) in EXPECTED.items():
        result = verifier.verify((samples / name).read_text("ascii"))
        rows.append((name, _word(verified), _word(result.verified), sorted(result.codes)))
        assert result.verified is verified, (name, result.problems)
        assert code is None or code in result.codes, (name, result.codes)
    print("\n".join(f"{n:22} expected {e:8} got {g:8} {c}" for n, e, g, c in rows))


def _word(verified: bool) -> str:
    return "VALID" if verified else "INVALID"


def test_the_clr_sample_without_its_issuers_profile_is_not_bound(
    samples: Path, reference_loader: DocumentLoader
) -> None:
    drafts = {
        url: json.loads((samples / "contexts" / name).read_text("utf-8"))
        for url, name in DRAFT_CONTEXTS.items()
    }
    result = Verifier(loader=chain(reference_loader, StaticLoader(drafts))).verify(
        (samples / "clr20" / "simple.jwt").read_text("ascii")
    )
    assert result.checks["proof"].ok and not result.verified
    assert "ISSUER_KEY_UNBOUND" in result.codes


def test_the_velocity_sample_names_its_missing_context(
    samples: Path, reference_loader: DocumentLoader
) -> None:
    result = Verifier(loader=reference_loader).verify(
        (samples / "ob30" / "velocity.jwt").read_text()
    )
    problem = next(p for p in result.problems if p.code == "UNKNOWN_CONTEXT")
    assert "velocitynetwork" in problem.message and problem.path[:2] == ("vc", "@context")
