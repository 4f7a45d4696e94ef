"""Keys of an SD-JWT VC issuer from its JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc
§5), through a fetch function the caller injects.

For `iss` `https://issuer.example/tenant`, the metadata is served at
`https://issuer.example/.well-known/jwt-vc-issuer/tenant`; its `issuer` must be `iss`, and
its `jwks` (or the document at `jwks_uri`) lists the keys. The verifier asks for
`<iss>#<kid>` (the JWT's `kid`), or for `<iss>` alone when the JWT names no key: then the
metadata must list exactly one key. Failures are `ResolutionFailure`s, never exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from microcred.errors import MicrocredError
from microcred.keys.controller_document import failure, fetch_json, https_location
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.rsa import public_key_from_jwk

__all__ = ["JwtVcIssuerResolver", "metadata_url"]

_WELL_KNOWN = "/.well-known/jwt-vc-issuer"


def metadata_url(issuer: str) -> str:
    """Where the metadata of `issuer` is served: the well-known path before the issuer's."""
    parts = urlsplit(issuer)
    return f"https://{parts.netloc}{_WELL_KNOWN}{parts.path.rstrip('/')}"


@dataclass(frozen=True, slots=True)
class JwtVcIssuerResolver:
    """A KeyResolver for `https://issuer#kid` URLs over your `fetch(url) -> bytes`."""

    fetch: Callable[[str], bytes]
    max_document_bytes: int = field(default=256 * 1024, kw_only=True)

    def __call__(self, url: str) -> VerificationMethod | ResolutionFailure:
        """The issuer's key named by the fragment (or its only key); never raises."""
        location = https_location(url)
        if isinstance(location, ResolutionFailure):
            return location
        issuer, kid = location
        metadata = self._json(url, metadata_url(issuer))
        if isinstance(metadata, ResolutionFailure):
            return metadata
        if metadata.get("issuer") != issuer:
            return failure(url, "INVALID_DID_DOCUMENT", f"the metadata's issuer is not {issuer}")
        jwks = metadata.get("jwks")
        if jwks is None and isinstance(metadata.get("jwks_uri"), str):
            if isinstance(https_location(metadata["jwks_uri"]), ResolutionFailure):
                return failure(url, "INVALID_DID_DOCUMENT", "jwks_uri must be an https URL")
            jwks = self._json(url, metadata["jwks_uri"])
            if isinstance(jwks, ResolutionFailure):
                return jwks
        keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(keys, list):
            return failure(url, "INVALID_DID_DOCUMENT", "the metadata lists no keys (jwks)")
        chosen = [k for k in keys if isinstance(k, Mapping) and (not kid or k.get("kid") == kid)]
        if len(chosen) != 1:
            named = f"the key {kid!r}" if kid else "exactly one key (the JWT names none)"
            return failure(url, "INVALID_VERIFICATION_METHOD", f"the metadata lists no {named}")
        try:
            key = public_key_from_jwk(chosen[0])
        except MicrocredError as error:
            return failure(url, "INVALID_PUBLIC_KEY", error.message)
        return VerificationMethod(url, "JsonWebKey", issuer, key, frozenset({"assertionMethod"}))

    def _json(self, url: str, location: str) -> Mapping[str, Any] | ResolutionFailure:
        return fetch_json(self.fetch, url, location, max_bytes=self.max_document_bytes)
