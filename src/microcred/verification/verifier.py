"""The Verifier: verification settings given once, then any number of credentials and
presentations verified with them, offline (DESIGN.md "Verifier(...).verify").

A wallet or a registrar builds one Verifier (loader, resolver, trust anchors, status lists
and policy) and shares it: it is immutable and safe to use from many threads, and it keeps
its caches across calls — processed contexts, did:key and did:web keys, status lists within
their `ttl`/`validUntil` (each list is still verified on every call). `microcred.verify()`
and `verify_presentation()` build one per call.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from microcred.errors import InvalidOptionError
from microcred.integrity.cryptosuites import Cryptosuite
from microcred.integrity.proofs import VERIFY_SUITES
from microcred.jsonld.loader import DocumentLoader, pinned_first
from microcred.jsonld.rdfc import WorkBudget
from microcred.keys.did_key import KeyResolver
from microcred.result import Check, Problem, VerificationResult
from microcred.status.check import STATUS_POLICIES, StatusListLoader, StatusPolicy
from microcred.status.lists import ListMemo
from microcred.verification.call import Call, Settings
from microcred.verification.eu_standard import PROFILES, Profile
from microcred.verification.mechanisms import SECURING_MECHANISMS, SecuringMechanism, dispatch
from microcred.verification.schema import SchemaLoader

if TYPE_CHECKING:
    from microcred.verification.presentation_result import PresentationResult

__all__ = ["RESOLVER_TTL", "Verifier", "verify_many"]

_R = TypeVar("_R")

RESOLVER_TTL = 3600.0
"""Seconds a key a caller's resolver gave (did:web, ...) is kept before it is asked again."""


class Verifier:
    """Verifies credentials and presentations offline with settings given once.

    `loader`: contexts beyond the bundled ones (asked after them, so a pinned context is
    never replaced). `resolver`: keys beyond did:key (e.g. `DidWebResolver(fetch)`).
    `trust_anchors`: certificates a sealed EDC must chain to. `status_loader`, `status_policy`,
    `status_authorities`: how credentialStatus is read (docs/status.md). `cryptosuites`: the
    allowlist. `profile`: "eu-microcredential" makes a missing Annex I element fail.
    `mechanisms`: the securing mechanisms tried in order (`SECURING_MECHANISMS`).
    `schemas`: JSON Schemas by URL (a mapping or a loader) for the OB3 "schema" check
    (needs `microcred[ob3]`; docs/ob3.md).
    """

    __slots__ = ("_mechanisms", "_settings")
    _settings: Settings
    _mechanisms: tuple[SecuringMechanism, ...]

    def __init__(
        self,
        *,
        loader: DocumentLoader | None = None,
        resolver: KeyResolver | None = None,
        trust_anchors: Any = None,
        seal_validators: Sequence[Any] = (),
        status_loader: StatusListLoader | None = None,
        status_policy: StatusPolicy = "strict",
        status_authorities: Collection[str] = (),
        cryptosuites: Mapping[str, Cryptosuite] = VERIFY_SUITES,
        profile: Profile = "default",
        max_clock_skew: timedelta = timedelta(minutes=5),
        mechanisms: Sequence[SecuringMechanism] = SECURING_MECHANISMS,
        schemas: SchemaLoader | Mapping[str, Any] | None = None,
    ) -> None:
        if profile not in PROFILES:
            raise InvalidOptionError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
        if status_policy not in STATUS_POLICIES:
            known = ", ".join(STATUS_POLICIES)
            raise InvalidOptionError(f"unknown status_policy {status_policy!r} (known: {known})")
        if isinstance(status_authorities, str) or not all(
            isinstance(a, str) for a in status_authorities
        ):
            raise InvalidOptionError("status_authorities must be a collection of issuer ids")
        if not isinstance(max_clock_skew, timedelta) or max_clock_skew < timedelta(0):
            raise InvalidOptionError("max_clock_skew must be a timedelta of zero or more")
        resolver = _cached_resolver(resolver)
        settings = Settings(
            loader=pinned_first(loader),
            resolver=resolver,
            trust_anchors=trust_anchors,
            seal_validators=tuple(seal_validators),
            status_loader=_cached_lists(status_loader),
            status_policy=status_policy,
            status_authorities=frozenset(status_authorities),
            cryptosuites=cryptosuites,
            profile=profile,
            max_clock_skew=max_clock_skew,
            schemas=_schema_loader(schemas),
        )
        object.__setattr__(self, "_settings", settings)
        object.__setattr__(self, "_mechanisms", tuple(mechanisms))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a Verifier is immutable: build another with other settings")

    @property
    def settings(self) -> Settings:
        """The settings this verifier was built with, defaults filled in."""
        return self._settings

    def _call(self, now: datetime | None, **options: Any) -> Call:
        if now is not None and (not isinstance(now, datetime) or now.utcoffset() is None):
            raise InvalidOptionError("now must be an aware datetime (with a time zone)")
        moment, skew = now or datetime.now(UTC), self.settings.max_clock_skew
        try:  # every check compares dates with now ± skew: both must be dates Python holds
            _ = (moment - skew, moment + skew)
        except OverflowError:
            raise InvalidOptionError(
                "now ± max_clock_skew must be a date-time Python holds"
            ) from None
        return Call(self.settings, moment, WorkBudget(), **options)

    def verify(
        self,
        document: Any,
        *,
        now: datetime | None = None,
        expected_proof_purpose: str = "assertionMethod",
        domain: str | Sequence[str] | None = None,
        challenge: str | None = None,
    ) -> VerificationResult:
        """Verify a credential (any securing mechanism the registry knows); never raises on
        any JSON value, never mutates it. `verified` is true only when every proof verifies
        and no check failed (docs/verifying.md)."""
        call = self._call(
            now, expected_proof_purpose=expected_proof_purpose, domain=domain, challenge=challenge
        )
        return _guarded(lambda: self._verify(document, call), VerificationResult.from_checks)

    def _verify(self, document: Any, call: Call) -> VerificationResult:
        return dispatch(document, call, self._mechanisms)

    def verify_many(
        self,
        documents: Iterable[Any],
        *,
        now: datetime | None = None,
        expected_proof_purpose: str = "assertionMethod",
        workers: int = 1,
    ) -> Iterator[VerificationResult]:
        """Verify many credentials as of one `now` (default: when called): one result per
        document, streamed in input order, never raising on any of them. Each status list
        is verified once for the run while the status loader gives the same document.
        `workers` > 1 verifies chunks in that many forked processes (docs/scale.md)."""
        self._call(now)  # bad options raise here, not at the first result
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise InvalidOptionError("workers must be a positive integer")
        moment = now or datetime.now(UTC)
        if workers == 1:
            return self._verify_run(documents, moment, expected_proof_purpose, ListMemo())
        from microcred.verification.parallel import require_fork, verify_in_workers

        require_fork()
        return verify_in_workers(self, documents, moment, expected_proof_purpose, workers)

    def _verify_run(
        self, documents: Iterable[Any], now: datetime, purpose: str, lists: ListMemo
    ) -> Iterator[VerificationResult]:
        """Each document verified in turn, the run's status lists kept in `lists`."""
        for document in documents:
            call = self._call(now, expected_proof_purpose=purpose, lists=lists)
            yield _guarded(partial(self._verify, document, call), VerificationResult.from_checks)

    def _with_status_loader(self, loader: StatusListLoader) -> Verifier:
        """The same verifier reading status lists from `loader` as it is (no cache around
        it): what a verify_many worker uses for the lists its run ships to it."""
        other = object.__new__(Verifier)
        object.__setattr__(other, "_settings", replace(self._settings, status_loader=loader))
        object.__setattr__(other, "_mechanisms", self._mechanisms)
        return other

    def verify_presentation(
        self,
        presentation: Any,
        *,
        challenge: str,
        domain: str | Sequence[str] | None = None,
        now: datetime | None = None,
        credential_purpose: str = "assertionMethod",
    ) -> PresentationResult:
        """Verify a presentation bound to `challenge` (and `domain`) and every credential in
        it, in one call; never raises on any JSON value, never mutates it."""
        from microcred.verification.presentation_result import PresentationResult
        from microcred.verification.presentations import check_presentation

        if not isinstance(challenge, str) or not challenge:
            raise InvalidOptionError("a presentation is bound to a challenge: a non-empty string")
        call = self._call(
            now, expected_proof_purpose="authentication", domain=domain, challenge=challenge
        )
        return _guarded(
            lambda: check_presentation(
                presentation,
                call,
                credential_purpose=credential_purpose,
                verify_credential=self._verify,
            ),
            PresentationResult.of,
        )


def verify_many(
    documents: Iterable[Any],
    *,
    verifier: Verifier | None = None,
    now: datetime | None = None,
    expected_proof_purpose: str = "assertionMethod",
    workers: int = 1,
) -> Iterator[VerificationResult]:
    """`verifier.verify_many(documents)` (a default `Verifier` if none is given): one verdict
    per document, in input order, each issuer key, context and status list resolved once."""
    return (verifier or Verifier()).verify_many(
        documents, now=now, expected_proof_purpose=expected_proof_purpose, workers=workers
    )


def _cached_resolver(resolver: KeyResolver | None) -> KeyResolver:
    """did:key and did:jwk by default (pure, offline); a caller's resolver kept behind a
    cache for `RESOLVER_TTL`. Either falls back to the unconfirmed key of an https `#z…`
    fragment, which the issuer check never binds (microcred.keys.fragment_key)."""
    from microcred.keys.fragment_key import with_fragment_keys
    from microcred.keys.resolvers import CachingResolver, resolve_offline

    if resolver is None:
        return with_fragment_keys(resolve_offline)

    return with_fragment_keys(
        resolver
        if isinstance(resolver, CachingResolver)
        else CachingResolver(resolver, ttl=RESOLVER_TTL)
    )


def _schema_loader(schemas: SchemaLoader | Mapping[str, Any] | None) -> SchemaLoader | None:
    """A loader over a mapping of schemas; jsonschema must be installed to use any."""
    if schemas is None:
        return None
    from importlib.util import find_spec

    from microcred.errors import MissingDependencyError

    if find_spec("jsonschema") is None:
        raise MissingDependencyError(
            "the JSON Schema check needs jsonschema: pip install microcred[ob3]"
        )
    if isinstance(schemas, Mapping):
        return dict(schemas).__getitem__
    if not callable(schemas):
        raise InvalidOptionError("schemas must map URLs to JSON Schemas, or be a loader")
    return schemas


def _cached_lists(loader: StatusListLoader | None) -> StatusListLoader | None:
    """A caller's status list loader behind the cache of lists within their ttl."""
    if loader is None:
        return None
    from microcred.status.cache import StatusListCache

    return StatusListCache(loader)


def _guarded(run: Callable[[], _R], failed: Callable[[list[Check]], _R]) -> _R:
    """The result of `run()`, or one VERIFICATION_ERROR check if verification itself broke:
    a document can never make a Verifier raise."""
    try:
        return run()
    except Exception as error:
        problem = Problem("VERIFICATION_ERROR", f"verification failed unexpectedly: {error!r}", ())
        return failed([Check.from_problems("verification", [problem])])
