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
from urllib.parse import urlsplit

from microcred.keys.controller_document import (
    failure,
    fetch_document,
    find_verification_method,
    sole_assertion_method,
)
from microcred.keys.did_key import ResolutionFailure, VerificationMethod

__all__ = ["HttpsControllerResolver"]

_MAX_URL_CHARS = 2048


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
        if not isinstance(url, str) or len(url) > _MAX_URL_CHARS:
            shown = url if isinstance(url, str) else repr(url)[:80]
            return failure(shown, "INVALID_VERIFICATION_METHOD_URL", "not a URL")
        if not url.startswith("https://"):
            return failure(url, "METHOD_NOT_SUPPORTED", "this resolver handles https URLs only")
        document_url, _, fragment = url.partition("#")
        try:
            parts = urlsplit(document_url)
            port = parts.port
        except ValueError:
            return failure(url, "INVALID_VERIFICATION_METHOD_URL", "not a valid https URL")
        if not parts.hostname or parts.username or parts.password or parts.query or port == 0:
            return failure(
                url,
                "INVALID_VERIFICATION_METHOD_URL",
                "an https controller URL has a host, and no userinfo or query",
            )
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
