"""A micro-credential as an SD-JWT VC for EU Digital Identity wallets, and back.

Three credential types (`vct`):
- ours, `https://w3id.org/microcred/vct/microcredential/v1`: the claims are the model's
  JSON input format, so nothing is lost and `from_sd_jwt_vc` gives the same model back;
- the EUDI reference issuer's Learning Credential, `urn:eu.europa.ec.eudi:learning:credential:1`:
  flat text claims in one language; what does not fit is listed in the `LossReport`;
- DC4EU's `urn:eudi:micro_credential:1`: an Open Badges 3.0 achievement (bindings.ob3)
  with the Edubadges fields DC4EU's type metadata reads (ECTS, participation, supervision),
  every claim in the clear as that metadata says.
By default the learner's identity, the date of issuing, outcomes, assessment, participation,
prerequisites, supervision, grade, stackability and further information are selectively
disclosable; title, issuer, awarding body, level, workload and quality assurance are always
in the clear (docs/eudi.md). SD-JWT VC has no language maps (oauth-sd-jwt-vc#386): the EUDI
claims carry one language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from microcred.errors import InvalidOptionError
from microcred.jose.disclosures import ClaimPath
from microcred.jose.sd_jwt import issue_sd_jwt
from microcred.jose.vc_jwt import CLAIM_NAMES
from microcred.keys.keypair import Signer
from microcred.keys.rsa import AnyPublicKey
from microcred.model import MicroCredential
from microcred.model.vocab import Country

__all__ = [
    "DC4EU_MICROCREDENTIAL_VCT",
    "EUDI_LEARNING_VCT",
    "MICROCRED_VCT",
    "LossEntry",
    "LossReport",
    "from_sd_jwt_vc",
    "to_sd_jwt_vc",
    "to_sd_jwt_vc_claims",
]

MICROCRED_VCT = "https://w3id.org/microcred/vct/microcredential/v1"
EUDI_LEARNING_VCT = "urn:eu.europa.ec.eudi:learning:credential:1"
DC4EU_MICROCREDENTIAL_VCT = "urn:eudi:micro_credential:1"
_VCT_CLAIMS = frozenset({*CLAIM_NAMES, "vct", "status", "_sd_alg"})
_ALWAYS = frozenset({"title", "issuer", "awardingBodies", "level", "workload", "qualityAssurance"})
_EUDI_ALWAYS = frozenset(
    {
        "issuing_authority",
        "issuing_country",
        "achievement_title",
        "level_of_learning_experience",
        "expected_study_time",
        "types_of_quality_assurance",
    }
)


@dataclass(frozen=True, slots=True)
class LossEntry:
    """Where one Annex I part of the model went: carried as is, flattened to text, or lost."""

    field: str
    fate: Literal["carried", "text", "lost"]
    claim: str | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class LossReport:
    """The fate of every model field for one `vct`."""

    vct: str
    entries: tuple[LossEntry, ...]

    @property
    def lost(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.entries if e.fate == "lost")


def to_sd_jwt_vc_claims(
    mc: MicroCredential, *, vct: str = MICROCRED_VCT, language: str = "en"
) -> tuple[dict[str, Any], tuple[ClaimPath, ...], LossReport]:
    """The SD-JWT VC claims of `mc` for `vct` (without iss/iat/cnf), the default
    disclosable paths, and the loss report."""
    if vct == MICROCRED_VCT:
        claims = mc.dump()
        disclosable: list[ClaimPath] = [(name,) for name in claims if name not in _ALWAYS]
        disclosable += [("learner", key) for key in claims.get("learner", {})]
        entries = tuple(LossEntry(name, "carried", name) for name in claims)
        return claims, tuple(disclosable), LossReport(vct, entries)
    if vct == EUDI_LEARNING_VCT:
        claims, report = _eudi_learning(mc.dump(), language)
        return claims, tuple((k,) for k in claims if k not in _EUDI_ALWAYS), report
    if vct == DC4EU_MICROCREDENTIAL_VCT:
        claims, report = _dc4eu_micro_credential(model_with_id(mc), language)
        return claims, (), report  # DC4EU's type metadata: every claim "sd": "never"
    known = ", ".join((MICROCRED_VCT, EUDI_LEARNING_VCT, DC4EU_MICROCREDENTIAL_VCT))
    raise InvalidOptionError(f"unknown vct {vct!r} (known: {known})")


def to_sd_jwt_vc(
    mc: MicroCredential | Mapping[str, Any],
    *,
    key: Signer,
    vct: str = MICROCRED_VCT,
    holder_key: AnyPublicKey | None = None,
    disclosable: Sequence[ClaimPath] | None = None,
    status: Mapping[str, Any] | None = None,
    issued_at: datetime | None = None,
    expires: datetime | None = None,
    language: str = "en",
    decoys: int = 2,
) -> str:
    """Issue `mc` as an SD-JWT VC (`typ` `dc+sd-jwt`) signed by `key`, whose controller is
    `iss`; `holder_key` goes in `cnf` (presentations then need a Key Binding JWT),
    `status` is a Token Status List reference `{"status_list": {"idx", "uri"}}`."""
    model = mc if isinstance(mc, MicroCredential) else MicroCredential.parse(mc)
    model = model.issued_by(key.verification_method)  # the key's controller is `iss`
    claims, default, _ = to_sd_jwt_vc_claims(model, vct=vct, language=language)
    moment = issued_at or datetime.now(UTC)
    envelope: dict[str, Any] = {"iss": model.issuer.id, "iat": int(moment.timestamp()), "vct": vct}
    if expires is not None:
        envelope["exp"] = int(expires.timestamp())
    if holder_key is not None:
        envelope["cnf"] = {"jwk": holder_key.to_jwk()}
    if status is not None:
        envelope["status"] = dict(status)
    return issue_sd_jwt(
        {**envelope, **claims},
        key=key,
        disclosable=default if disclosable is None else disclosable,
        decoys=decoys,
    )


def from_sd_jwt_vc(claims: Mapping[str, Any]) -> MicroCredential:
    """The micro-credential in the disclosed claims of one of our SD-JWT VCs (a verified
    result's `document`); InvalidMicroCredential names what was not disclosed."""
    if claims.get("vct") != MICROCRED_VCT:
        raise InvalidOptionError(
            f"only {MICROCRED_VCT} carries a whole micro-credential; vct is {claims.get('vct')!r}"
        )
    return MicroCredential.parse({k: v for k, v in claims.items() if k not in _VCT_CLAIMS})


def _text(value: Any, language: str) -> str | None:
    """One language of a language map (the asked one, else English, else the first)."""
    if isinstance(value, Mapping) and value:
        return str(value.get(language) or value.get("en") or next(iter(value.values())))
    return value if isinstance(value, str) else None


def _eudi_learning(model: Mapping[str, Any], language: str) -> tuple[dict[str, Any], LossReport]:
    """The EUDI Learning Credential claims (eudi-srv-pid-issuer SdJwtVcClaims) of a model."""
    learner, issuer = model.get("learner", {}), model.get("issuer", {})
    workload, level = model.get("workload", {}), model.get("level", {})
    claims: dict[str, Any] = {
        "issuing_authority": _text(issuer.get("legalName"), language),
        "issuing_country": _alpha2(issuer.get("country")),
        "date_of_issuance": str(model.get("dateOfIssuing", ""))[:10] or None,
        "date_of_expiry": str(model.get("validUntil", ""))[:10] or None,
        "family_name": _text(learner.get("familyName"), language),
        "given_name": _text(learner.get("givenName"), language),
        "learner_identification": learner.get("id") or _text(learner.get("fullName"), language),
        "achievement_title": _text(model.get("title"), language),
        "achievement_description": _text(
            model.get("furtherInformation", {}).get("description"), language
        ),
        "learning_outcomes": [
            _text(o.get("title"), language) for o in model.get("learningOutcomes", [])
        ],
        "assessment_grade": _text(model.get("grade", {}).get("value"), language),
        "language_of_classes": model.get("furtherInformation", {}).get("languages"),
        "expected_study_time": " / ".join(
            f"{workload[k]} {unit}"
            for k, unit in (("ects", "ECTS"), ("hours", "hours"))
            if k in workload
        )
        or None,
        "level_of_learning_experience": f"EQF {level['eqf']}" if "eqf" in level else None,
        "types_of_quality_assurance": [
            _text(q.get("title"), language) or q.get("type")
            for q in model.get("qualityAssurance", [])
        ],
        "prerequisites_to_enroll": _text(model.get("prerequisites"), language),
        "integration_stackability_options": _stackability(model.get("stackability"), language),
    }
    claims = {k: v for k, v in claims.items() if v not in (None, "", [])}
    fates = {
        "learner": (
            "text",
            "learner_identification",
            "family/given name and id; birth date, e-mail, identifiers lost",
        ),
        "title": ("text", "achievement_title", f"one language ({language})"),
        "issuer": (
            "text",
            "issuing_authority",
            "legal name and country; registration and region lost",
        ),
        "dateOfIssuing": ("text", "date_of_issuance", "the date, without time"),
        "validUntil": ("text", "date_of_expiry", "the date, without time"),
        "learningOutcomes": ("text", "learning_outcomes", "titles only; ESCO skills lost"),
        "workload": ("text", "expected_study_time", "as text"),
        "level": ("text", "level_of_learning_experience", "EQF only; NQF and QF-EHEA lost"),
        "assessment": ("lost", None, "the type has no claim for the type of assessment"),
        "participation": ("lost", None, "the type has no claim for the form of participation"),
        "qualityAssurance": (
            "text",
            "types_of_quality_assurance",
            "titles; bodies and reports lost",
        ),
        "prerequisites": ("text", "prerequisites_to_enroll", f"one language ({language})"),
        "supervision": ("lost", None, "the type has no claim for supervision"),
        "grade": ("text", "assessment_grade", "the grade; its scheme lost"),
        "stackability": ("text", "integration_stackability_options", "as text"),
        "furtherInformation": ("text", "achievement_description", "description and languages"),
        "awardingBodies": ("text", "issuing_authority", "the issuer only; other bodies lost"),
    }
    entries = tuple(
        LossEntry(field, *fates.get(field, ("lost", None, "no claim in this type")))  # type: ignore[arg-type]
        for field in model
        if field != "id"
    )
    return claims, LossReport(EUDI_LEARNING_VCT, entries)


def _alpha2(country: Any) -> str | None:
    """ISO 3166-1 alpha-2, as the EUDI rulebooks write countries (the model keeps the EU
    authority's alpha-3 key)."""
    return Country.of(country).alpha2 if isinstance(country, str) else None


def _stackability(value: Any, language: str) -> str | None:
    if not isinstance(value, Mapping):
        return None
    towards = [
        _text(t.get("title"), language) or t.get("id") for t in value.get("stackableTowards", [])
    ]
    standalone = "stand-alone" if value.get("standAlone") else "not stand-alone"
    return "; ".join([standalone, *(f"stackable towards {t}" for t in towards if t)])


def model_with_id(mc: MicroCredential) -> MicroCredential:
    """`mc` with an issuer id, as `to_ob3` needs one (a placeholder the SD-JWT's `iss`
    replaces when the model has none yet)."""
    return mc if mc.issuer.id is not None else mc.with_issuer_id("urn:microcred:issuer")


def _dc4eu_micro_credential(
    mc: MicroCredential, language: str
) -> tuple[dict[str, Any], LossReport]:
    """The claims DC4EU's type metadata (dc4eu/vc metadata/vctm_microcredential.json) reads,
    taken from the Open Badges 3.0 credential `to_ob3` writes for `mc`."""
    from microcred.bindings.ob3 import to_ob3  # the OB3 mapping: only for this type

    badge, _ = to_ob3(mc)
    model = mc.dump()
    subject, issuer = badge["credentialSubject"], badge["issuer"]
    ob3_achievement = subject["achievement"]
    achievement: dict[str, Any] = {
        key: ob3_achievement[key]
        for key in ("name", "description", "criteria")
        if key in ob3_achievement
    }
    ects = model.get("workload", {}).get("ects")
    if ects is not None:
        achievement["ECTS"] = float(ects)
    participation = model.get("participation", {})
    if participation.get("modes"):
        achievement["participationType"] = " or ".join(participation["modes"])
    if model.get("supervision"):
        achievement["supervisionType"] = str(model["supervision"]).replace("-", " ")
    grade = model.get("grade")
    claims: dict[str, Any] = {
        "issuer": {
            "name": issuer.get("name"),
            "address": {
                "addressCountryCodename": issuer.get("address", {}).get("addressCountryCode")
            },
        },
        "credentialSubject": {"achievement": achievement},
    }
    if grade:
        scheme = _text(grade.get("gradingScheme"), language) or "Grade"
        achievement["resultDescription"] = [{"name": scheme}]
        claims["credentialSubject"]["result"] = [{"value": _text(grade.get("value"), language)}]
    for name in ("validFrom", "validUntil"):
        if name in badge:
            claims[name] = badge[name]
    if "validUntil" not in claims and model.get("validUntil"):
        claims["validUntil"] = model["validUntil"]
    achieved = "credentialSubject.achievement"
    fates: dict[str, tuple[Literal["carried", "text", "lost"], str | None, str]] = {
        "learner": ("lost", None, "the type has no learner claim (the holder is bound by cnf)"),
        "title": ("text", f"{achieved}.name", f"one language ({language})"),
        "issuer": ("text", "issuer.name", "name and country; registration and region lost"),
        "dateOfIssuing": ("text", "validFrom", "as the start of validity"),
        "validUntil": ("text", "validUntil", ""),
        "learningOutcomes": (
            "text",
            "credentialSubject.achievement.criteria.narrative",
            "one text",
        ),
        "workload": ("text", "credentialSubject.achievement.ECTS", "ECTS only; hours lost"),
        "participation": ("text", "credentialSubject.achievement.participationType", "modes only"),
        "supervision": ("text", "credentialSubject.achievement.supervisionType", ""),
        "grade": ("text", "credentialSubject.result", "value and scheme name"),
        "furtherInformation": ("text", "credentialSubject.achievement.description", "description"),
    }
    entries = tuple(
        LossEntry(field, *fates.get(field, ("lost", None, "no claim in this type")))
        for field in model
        if field != "id"
    )
    return claims, LossReport(DC4EU_MICROCREDENTIAL_VCT, entries)
