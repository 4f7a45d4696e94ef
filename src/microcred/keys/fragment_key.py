"""Keys Open Badges issuers name by their profile URL and the key itself as the fragment
(`https://issuer.example/profile#z6Mk…`), used when that profile cannot be fetched.

The 1EdTech validator reads the key from such a fragment. A key written in its own URL
proves nothing about who controls it, so the method is marked unconfirmed: a proof may
verify with it, but the issuer check reports the issuer as unconfirmed (never bound).
"""

from __future__ import annotations

from dataclasses import dataclass

from microcred.errors import InvalidKeyError
from microcred.keys.did_key import (
    KeyResolver,
    ResolutionFailure,
    ResolutionFailureCode,
    VerificationMethod,
)
from microcred.keys.keypair import PublicKey

__all__ = ["FALLBACK_CODES", "fragment_key", "with_fragment_keys"]

FALLBACK_CODES = frozenset(
    {ResolutionFailureCode.METHOD_NOT_SUPPORTED, ResolutionFailureCode.NOT_FOUND}
)
"""Failures after which a fragment key is read: no https resolver, or the profile could not
be fetched. A profile that was fetched and does not list the key is the answer."""


def fragment_key(url: str) -> VerificationMethod | None:
    """The unconfirmed Multikey an `https://…#z…` URL encodes in its fragment, or None."""
    if not isinstance(url, str) or not url.startswith("https://"):
        return None
    controller, _, fragment = url.partition("#")
    if not fragment.startswith("z") or len(controller) <= len("https://"):
        return None
    try:
        key = PublicKey.from_multikey(fragment)
    except InvalidKeyError:
        return None
    return VerificationMethod(
        id=url,
        type="Multikey",
        controller=controller,
        public_key=key,
        relationships=frozenset({"assertionMethod"}),
        confirmed=False,
    )


@dataclass(frozen=True, slots=True)
class _FragmentFallback:
    resolver: KeyResolver

    def __call__(self, url: str) -> VerificationMethod | ResolutionFailure:
        resolved = self.resolver(url)
        if isinstance(resolved, ResolutionFailure) and resolved.code in FALLBACK_CODES:
            return fragment_key(url) or resolved
        return resolved


def with_fragment_keys(resolver: KeyResolver) -> KeyResolver:
    """`resolver`, falling back to the unconfirmed fragment key of an https URL when the
    controller document could not be had (see FALLBACK_CODES); never cached by itself."""
    return _FragmentFallback(resolver)
