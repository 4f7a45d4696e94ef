"""MicroCredential <-> Europass European Digital Credential (EDC, ELM 3.2 generic profile).

`to_edc` builds the credential as EDC's own tooling shapes it (VC 1.1 + `edc-ap`, see
docs/edc.md); `issue_edc` also seals it with JAdES, as EDC requires. `from_edc` reads an
EDC, ours or another tool's, plain or sealed, back into the model; `read_edc` returns what
an EDC carries even when it lacks Annex I elements the model requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from microcred.bindings._edc_read import EDCReading, read_edc_leniently
from microcred.bindings._edc_write import EDCWriter, edc_constants, edc_requirements
from microcred.bindings._elm_to_model import read_elm
from microcred.bindings._elm_walker import Dialect, Input, relocate
from microcred.errors import (
    FieldError,
    InvalidMicroCredential,
    InvalidOptionError,
    Path,
    SealError,
)
from microcred.jades import Timestamper, seal
from microcred.jades.algorithms import SigningKey
from microcred.jades.issuer import seal_subject
from microcred.jades.jws import is_jades, read_payload
from microcred.jades.keystore import CertificateInput, load_certificates
from microcred.model import Country, LangText, Language, LegalIdentifier, MicroCredential
from microcred.result import Problem
from microcred.vcdm import CREDENTIALS_V1

__all__ = [
    "Display",
    "EDCIssuer",
    "EDCReading",
    "certificate_issuer",
    "from_edc",
    "is_edc",
    "issue_edc",
    "read_edc",
    "to_edc",
]


@cache
def _dialect() -> Dialect:
    """How EDCs spell ELM (the `edc-ap` context, http or https) and what varies between tools."""
    contexts = frozenset(edc_constants("contexts"))
    return Dialect(contexts, "description", ("nationalID", "nationalId"), tolerant=True)


@dataclass(frozen=True, slots=True)
class EDCIssuer:
    """The eIDAS identity of the organisation that seals the EDC, which is `mc.issuer`.

    `eidas_identifier` is the `organizationIdentifier` of its e-seal certificate (e.g.
    `VATES-A00000000`); `country` the country that registered it (`ES`, `ESP` or an IRI).
    EDC requires it on the issuer (SHACL IssuerNode: eIDASIdentifier 1..1).
    """

    eidas_identifier: str
    country: str


@dataclass(frozen=True, slots=True)
class Display:
    """How the EDC presents itself: page languages (BCP 47 tags, first = primary; default:
    the title's languages), a display title (default: the micro-credential's title) and an
    optional description (e.g. {"en": "has successfully completed a micro-module"}), and the
    issuer's logo drawn at the top of every page (PNG or JPEG bytes). Drawing the pages needs
    `microcred[render]`."""

    languages: tuple[str, ...] = ()
    title: Mapping[str, str] | None = None
    description: Mapping[str, str] | None = None
    logo: bytes | None = None


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _legal_identifier(issuer: EDCIssuer) -> LegalIdentifier:
    if not isinstance(issuer, EDCIssuer):
        raise InvalidOptionError("issuer must be an EDCIssuer (eIDAS identifier and country)")
    try:
        country = Country.of(issuer.country)
        return LegalIdentifier(notation=issuer.eidas_identifier, country=country)
    except InvalidMicroCredential as error:
        raise InvalidOptionError(f"issuer: {error.errors[0].message}") from None


def _languages(display: Display, title: LangText) -> tuple[tuple[str, Language], ...]:
    """(tag, EU language concept) per display page, one page per language concept."""
    chosen: dict[Language, str] = {}
    for tag in display.languages or tuple(title):
        try:
            language = Language.of(tag)
        except InvalidMicroCredential:
            if display.languages:
                message = f"display language {tag!r} is not an EU language"
                raise InvalidOptionError(message) from None
            continue
        chosen.setdefault(language, tag)
    if not chosen:
        chosen[Language.of("en")] = "en"
    return tuple((tag, language) for language, tag in chosen.items())


def to_edc(
    mc: MicroCredential,
    *,
    issuer: EDCIssuer,
    display: Display | None = None,
    issued: datetime | None = None,
) -> dict[str, Any]:
    """The unsealed EDC for `mc`, sealed by `mc.issuer` (ELM 3.2 EDC generic profile).

    `issued` (and `issuanceDate`) is the sealing time, default now (UTC, whole seconds);
    `validFrom` is `mc.date_of_issuing`. Raises `InvalidMicroCredential` (model paths) for
    what EDC needs beyond the model, and `InvalidOptionError` for unusable options.
    """
    problems = list(edc_requirements(mc))
    if problems:
        raise InvalidMicroCredential(problems)
    display = display or Display()
    moment = _now() if issued is None else issued
    if moment.utcoffset() is None:
        raise InvalidOptionError("issued must be an aware datetime (with a time zone)")
    try:
        title = LangText(display.title) if display.title is not None else mc.title
        description = LangText(display.description) if display.description else None
    except InvalidMicroCredential as error:
        raise InvalidOptionError(f"display: {error.errors[0].message}") from None
    writer = EDCWriter(
        mc,
        eidas_identifier=_legal_identifier(issuer),
        issued=moment,
        languages=_languages(display, title),
        title=title,
        description=description,
        logo=display.logo,
    )
    return writer.credential()


def issue_edc(
    mc: MicroCredential,
    *,
    key: SigningKey,
    certificate_chain: CertificateInput,
    issuer: EDCIssuer | None = None,
    signing_time: datetime | None = None,
    display: Display | None = None,
    timestamper: Timestamper | None = None,
) -> dict[str, Any]:
    """`to_edc` then a JAdES seal (`jades.seal`) whose claimed signing time (`iat`) equals the
    EDC's `issued`.

    The issuer's eIDAS identity comes from the seal certificate (organizationIdentifier and
    C), as EDC's sealing step writes it, unless `issuer` is given; a given `issuer` that
    disagrees with the certificate is refused (`SealError`): nobody seals in another
    organisation's name. With `timestamper` (the caller's RFC 3161 client) the seal is
    JAdES baseline-B-T (`jades.seal`)."""
    moment = (signing_time or _now()).replace(microsecond=0)
    if issuer is None:
        issuer = certificate_issuer(certificate_chain)
    edc = to_edc(mc, issuer=issuer, display=display, issued=moment)
    return seal(
        edc,
        key=key,
        certificate_chain=certificate_chain,
        signing_time=moment,
        timestamper=timestamper,
    )


def certificate_issuer(certificate_chain: CertificateInput) -> EDCIssuer:
    """The eIDAS identity a seal certificate (the chain's first) names: its
    organizationIdentifier (2.5.4.97) and country (C). Raises SealError without them."""
    chain = load_certificates(certificate_chain)
    subject = seal_subject(chain[0]) if chain else None
    if subject is None or not subject.organization_identifier or subject.country_iri() is None:
        raise SealError(
            "the seal certificate names no organizationIdentifier and country: pass issuer="
        )
    return EDCIssuer(subject.organization_identifier, subject.country_iri() or "")


def _malformed(path: Path, message: str) -> InvalidMicroCredential:
    return InvalidMicroCredential([FieldError(path, "malformed_credential", message)])


def _payload(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential a JAdES seal carries (read only: `jades.verify_seal` checks the seal)."""
    credential = read_payload(document)
    if isinstance(credential, Problem):
        raise _malformed(credential.path, credential.message)
    return credential


def _read(document: Mapping[str, Any], claim: int | None) -> tuple[Input, dict[Path, Path]]:
    """(model input, origins) of a plain or sealed EDC; in a seal, paths into the credential
    start with "payload", as `jades.verify_seal` writes them."""
    prefix: Path = ("payload",) if is_jades(document) else ()
    credential = _payload(document) if prefix else document
    try:
        fields, origins = read_elm(credential, _dialect(), claim=claim)
    except InvalidMicroCredential as error:
        raise InvalidMicroCredential(
            [FieldError((*prefix, *e.path), e.code, e.message) for e in error.errors]
        ) from None
    return fields, {model: (*prefix, *at) for model, at in origins.items()}


def is_edc(document: object) -> bool:
    """Whether `document` is a Europass EDC: JAdES-sealed, listing the `edc-ap` context, a VC
    1.1 typed EuropeanDigitalCredential (our VC 2.0 ELM credentials are typed so too), or an
    EDC issuer's upload file (`{"credential": ...}`)."""
    if is_jades(document):
        return True
    if not isinstance(document, Mapping):
        return False
    inner = document.get("credential")
    if "@context" not in document and isinstance(inner, Mapping):
        document = inner
    contexts = document.get("@context")
    listed = contexts if isinstance(contexts, list) else [contexts]
    types = document.get("type")
    return any(isinstance(c, str) and c in _dialect().contexts for c in listed) or (
        listed[:1] == [CREDENTIALS_V1]
        and "EuropeanDigitalCredential" in (types if isinstance(types, list) else [types])
    )


def read_edc(document: Any, *, claim: int | None = None) -> EDCReading:
    """What an EDC (plain, JAdES-sealed, or an EDC issuer's upload file) carries, leniently:
    `fields, problems = read_edc(document)`. Never raises for a JSON value.

    `fields` holds the micro-credential's Annex I elements in the model's JSON input format,
    not validated; with several claims, those of `claim` (index in `hasClaim`), else of the
    LearningAchievement that carries the most Annex I elements (`.claim` says which;
    `.achievements` holds every claim). `problems` lists, at JSON paths in the document,
    everything `from_edc` would refuse, local concepts ("not an EU vocabulary IRI"; their
    own labels are in `.labels`) and terms no context defines.
    """
    return read_edc_leniently(document, _dialect(), claim)


def from_edc(
    document: Mapping[str, Any],
    *,
    supplement: Mapping[str, Any] | None = None,
    claim: int | None = None,
) -> MicroCredential:
    """Read an EDC (plain or JAdES-sealed, ours or another tool's) into the model.

    `supplement` holds model input fields (camelCase) that replace or add to what the EDC
    carries, e.g. `qualityAssurance`, which EC samples lack. Every problem is reported at
    once as `InvalidMicroCredential`, each with the JSON path in the EDC where the element
    is or belongs (starting with "payload" in a seal). With several claims, `claim` picks
    one (index in `hasClaim`); without it, the LearningAchievement carrying the most Annex I
    elements is read, and a tie is an error.
    """
    fields, origins = _read(document, claim)
    extra = dict(supplement or {})
    try:
        return MicroCredential.model_validate({**fields, **extra})
    except InvalidMicroCredential as error:
        kept = {model: at for model, at in origins.items() if not model or model[0] not in extra}
        raise relocate(error, kept) from None
