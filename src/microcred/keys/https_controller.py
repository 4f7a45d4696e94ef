"""Keys published on an `https` controller document (an Open Badges issuer Profile, a CID
controller document), through a fetch function the caller injects.

`https://issuer.example/profile#key-1` is looked up in the document served at
`https://issuer.example/profile`, whose `id` must be that URL (CID 1.0 §3.3). The bare
URL `https://issuer.example/profile` names the one key the document lists under
assertionMethod (how a JWT without `kid` finds its issuer's key). microcred ships no HTTP
client: wrap this resolver in `CachingResolver` (the `Verifier` does) to fetch each once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from microcred.keys.controller_document import (
    fetch_document,
    find_verification_method,
    https_location,
    sole_assertion_method,
)
from microcred.keys.did_key import ResolutionFailure, VerificationMethod

__all__ = ["HttpsControllerResolver"]


@dataclass(frozen=True, slots=True)
class HttpsControllerResolver:
    """A KeyResolver for `https://…` verification methods over your `fetch(url) -> bytes`.

    Any exception `fetch` raises becomes a NOT_FOUND failure; documents above
    `max_document_bytes` are refused; a URL with userinfo, a query or no host is refused.
    """

    fetch: Callable[[str], bytes]
    max_document_bytes: int = field(default=256 * 1024, kw_only=True)

    def __call__(self, url: str) -> VerificationMethod | ResolutionFailure:
        """Resolve an https verification method URL (CID 1.0 §3.3); never raises."""
        location = https_location(url)
        if isinstance(location, ResolutionFailure):
            return location
        document_url, fragment = location
        document = fetch_document(
            self.fetch,
            url,
            document_url,
            expected_id=document_url,
            max_bytes=self.max_document_bytes,
        )
        if isinstance(document, ResolutionFailure):
            return document
        if not fragment:
            return sole_assertion_method(url, document_url, document)
        return find_verification_method(url, document_url, document)
