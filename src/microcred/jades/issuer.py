"""Seal ↔ issuer binding: the credential's issuer is the organisation the seal certificate
names (ETSI EN 319 412-1 §5.1.4 organizationIdentifier, O, C), so that nobody can seal in
another organisation's name with their own e-seal certificate.

The issuer's eIDAS legal identifier decides when it has one (`VATES-A00000000`, or the bare
`A00000000` with its country in `spatial`); otherwise its legal name and country must be the
certificate's O and C. The EC's sealing step writes the issuer from the certificate this way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from microcred.errors import InvalidMicroCredential, Path
from microcred.model import Country
from microcred.result import Check, Problem

__all__ = ["SealSubject", "check_issuer_binding", "issuer_binding_problems", "seal_subject"]

MISMATCH = "ISSUER_MISMATCH"
# EN 319 412-1 §5.1.4: 3-letter scheme (VAT, NTR, PSD, LEI, ...), 2-letter country, '-', id.
_ORGANIZATION_IDENTIFIER = re.compile(r"([A-Z]{3})([A-Z]{2})-(.+)")


@dataclass(frozen=True, slots=True)
class SealSubject:
    """Who a seal certificate names: organizationIdentifier (2.5.4.97), O and C."""

    organization_identifier: str | None
    organization: str | None
    country: str | None

    def country_iri(self) -> str | None:
        """The EU country authority IRI of C (`ES` -> .../country/ESP), if known."""
        code = self.country
        if code is None and self.organization_identifier:
            match = _ORGANIZATION_IDENTIFIER.fullmatch(_compact(self.organization_identifier))
            code = match.group(2) if match else None
        return _country_iri(code)


def seal_subject(certificate: x509.Certificate) -> SealSubject:
    """The organisation a seal certificate names (first value of each attribute)."""

    def first(oid: x509.ObjectIdentifier) -> str | None:
        values = certificate.subject.get_attributes_for_oid(oid)
        value = values[0].value if values else None
        return value if isinstance(value, str) else None

    return SealSubject(
        first(NameOID.ORGANIZATION_IDENTIFIER),
        first(NameOID.ORGANIZATION_NAME),
        first(NameOID.COUNTRY_NAME),
    )


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _name_key(text: str) -> str:
    """A legal name compared without case, accents, punctuation or spacing (Velocert OÜ =
    VELOCERT OU)."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", plain.casefold())


def _country_iri(code: Any) -> str | None:
    if not isinstance(code, str) or not code:
        return None
    try:
        return Country.of("GRC" if code == "EL" else code).iri  # EL: Greece in VAT numbers
    except InvalidMicroCredential:
        return None


def _many(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _concept_iri(value: Any) -> Any:
    return value.get("id") if isinstance(value, Mapping) else value


def _identifiers(issuer: Mapping[str, Any]) -> Iterator[tuple[Any, Any]]:
    """(notation, spatial IRI) of each eIDAS legal identifier of the issuer node."""
    for node in _many(issuer.get("eIDASIdentifier")):
        if isinstance(node, Mapping):
            yield node.get("notation"), _concept_iri(_first(node.get("spatial")))


def _first(value: Any) -> Any:
    items = _many(value)
    return items[0] if items else None


def _countries(issuer: Mapping[str, Any]) -> set[str]:
    """The country IRIs of the issuer's addresses."""
    found = set()
    for location in _many(issuer.get("location")):
        for address in _many(location.get("address") if isinstance(location, Mapping) else None):
            if isinstance(address, Mapping):
                iri = _concept_iri(_first(address.get("countryCode")))
                if isinstance(iri, str):
                    found.add(iri)
    return found


def _names(issuer: Mapping[str, Any]) -> set[str]:
    names = issuer.get("legalName")
    texts = names.values() if isinstance(names, Mapping) else _many(names)
    flat = [t for text in texts for t in (_many(text) if isinstance(text, list) else [text])]
    return {_name_key(t) for t in flat if isinstance(t, str) and t.strip()}


def _identifier_matches(notation: Any, spatial: Any, subject: SealSubject) -> bool:
    """The eIDAS identifier is the certificate's organizationIdentifier, in full, or as its
    identifier part with `spatial` the same country."""
    if not isinstance(notation, str) or not subject.organization_identifier:
        return False
    mine, theirs = _compact(notation), _compact(subject.organization_identifier)
    if mine == theirs:
        return True
    match = _ORGANIZATION_IDENTIFIER.fullmatch(theirs)
    return bool(
        match
        and mine == match.group(3)
        and isinstance(spatial, str)
        and spatial == _country_iri(match.group(2))
    )


def issuer_binding_problems(
    credential: Mapping[str, Any], subject: SealSubject, at: Path
) -> list[Problem]:
    """Why the credential's issuer is not the organisation of the seal certificate (empty:
    it is). `at` is the JSON path of the credential."""
    issuer = credential.get("issuer")
    where: Path = (*at, "issuer")
    cert = (
        f"the seal certificate names organizationIdentifier={subject.organization_identifier!r}, "
        f"O={subject.organization!r}, C={subject.country!r}"
    )
    if not isinstance(issuer, Mapping):
        return [
            Problem(
                MISMATCH,
                f"the issuer names no eIDAS identifier, legal name or country to match: {cert}",
                where,
            )
        ]
    identifiers = list(_identifiers(issuer))
    if identifiers:
        if any(_identifier_matches(n, s, subject) for n, s in identifiers):
            return []
        shown = ", ".join(repr(n) for n, _ in identifiers)
        return [
            Problem(
                MISMATCH,
                f"the issuer's eIDAS identifier {shown} is not the seal certificate's "
                f"organizationIdentifier: {cert}",
                (*where, "eIDASIdentifier"),
            )
        ]
    problems = []
    if not subject.organization or _name_key(subject.organization) not in _names(issuer):
        problems.append(
            Problem(
                MISMATCH,
                f"the issuer's legal name is not the certificate's O: {cert}",
                (*where, "legalName"),
            )
        )
    if subject.country_iri() is None or subject.country_iri() not in _countries(issuer):
        problems.append(
            Problem(
                MISMATCH,
                f"the issuer's country is not the certificate's C: {cert}",
                (*where, "location"),
            )
        )
    return problems


def check_issuer_binding(
    credential: Mapping[str, Any], certificate: x509.Certificate, at: Path = ("payload",)
) -> Check:
    """The "issuer" check of a seal: the credential's issuer is the sealing organisation."""
    subject = seal_subject(certificate)
    details = {
        "organizationIdentifier": subject.organization_identifier,
        "organization": subject.organization,
        "country": subject.country,
    }
    return Check.from_problems(
        "issuer", issuer_binding_problems(credential, subject, at), details=details
    )
