"""Any credential we can read, as the model's JSON input format (possibly incomplete): ours
through `from_credential` (else ELM's term names, leniently), Europass EDCs through
`read_edc`, Open Badges 3.0 and CLR through `from_ob3` / `read_ob3`, a vc+jwt by its
payload, an SD-JWT VC by what its disclosures reveal, a `MicroCredential` as it dumps.

Nothing here verifies: a `VerificationResult` is read through the document it carries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from microcred.display.describer import Reading
from microcred.errors import MalformedDocumentError, MicrocredError

__all__ = ["Reading", "read_any"]


def _own_labels(value: Any) -> dict[str, Any]:
    """Concept IRI -> prefLabel (a language map) of every node in the document that has both."""
    found: dict[str, Any] = {}
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, Mapping):
            iri, label = node.get("id"), node.get("prefLabel")
            if isinstance(iri, str) and isinstance(label, (Mapping, str)):
                found.setdefault(iri, label)
            stack.extend(node.values())
    return found


def _stated_language(document: Mapping[str, Any]) -> str | None:
    """OB3's `inLanguage` (of the achievement, else of the credential), if a language tag."""
    from microcred.model.text import is_language_tag

    subjects = document.get("credentialSubject")
    subject = subjects[0] if isinstance(subjects, list) and subjects else subjects
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    for holder in (achievement, document):
        tag = holder.get("inLanguage") if isinstance(holder, Mapping) else None
        if isinstance(tag, str) and is_language_tag(tag):
            return tag
    return None


def _types(document: Mapping[str, Any]) -> list[str]:
    types = document.get("type")
    return [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _generic(document: Mapping[str, Any]) -> dict[str, Any]:
    """What any VC 1.1/2.0 says of itself: name, description, issuer, subject, dates."""
    issuer = document.get("issuer")
    issuer = issuer if isinstance(issuer, Mapping) else {"id": issuer} if issuer else {}
    subjects = document.get("credentialSubject")
    subject = subjects[0] if isinstance(subjects, list) and subjects else subjects
    subject = subject if isinstance(subject, Mapping) else {}
    types: list[str | None] = [*_types(document)] or [None]
    specific = [t for t in types if t != "VerifiableCredential"] or types
    fields: dict[str, Any] = {
        "id": _string(document.get("id")),
        "title": document.get("name") or specific[-1],
        "description": document.get("description"),
        "learner": {"id": _string(subject.get("id"))} if _string(subject.get("id")) else None,
        "issuer": {"id": _string(issuer.get("id")), "legalName": issuer.get("name")},
        "dateOfIssuing": _string(document.get("validFrom"))
        or _string(document.get("issuanceDate")),
        "validUntil": _string(document.get("validUntil"))
        or _string(document.get("expirationDate")),
    }
    return {k: v for k, v in fields.items() if v}


def _merged(fields: Mapping[str, Any], generic: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(generic)
    out.update({k: v for k, v in fields.items() if v not in (None, "", [], {})})
    return out


def _address_country(issuer: Any) -> str | None:
    address = issuer.get("address") if isinstance(issuer, Mapping) else None
    if not isinstance(address, Mapping):
        return None
    return _string(address.get("addressCountryCode")) or _string(address.get("addressCountry"))


def _ob3_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """A badge microcred did not write, through the lenient OB3 reader."""
    from microcred.bindings.ob3_read import read_ob3

    reading = read_ob3(document)
    subjects = document.get("credentialSubject")
    subject = subjects[0] if isinstance(subjects, list) and subjects else subjects
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    results = subject.get("result")
    result = [
        r.get("value")
        for r in (results if isinstance(results, list) else [])
        if isinstance(r, Mapping) and _string(r.get("value"))
    ]
    fields: dict[str, Any] = {
        "title": reading.title,
        "description": achievement.get("description"),
        "learner": {"id": reading.learner} if reading.learner else None,
        "issuer": {
            "id": reading.issuer_id,
            "legalName": reading.issuer_name,
            "country": _address_country(document.get("issuer")),
        },
        "dateOfIssuing": reading.valid_from,
        "validUntil": reading.valid_until,
        "learningOutcomes": [{"title": t} for t in reading.learning_outcomes],
        "workload": {"ects": str(reading.ects)} if reading.ects is not None else None,
        "level": {"eqf": reading.eqf} if reading.eqf is not None else None,
        "grade": {"value": result[0]} if result else None,
    }
    return _merged(fields, _generic(document))


def _clr_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """A CLR: its own name, learner and issuer; each embedded achievement as an outcome."""
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    embedded = subject.get("verifiableCredential")
    titles = [
        t
        for credential in (embedded if isinstance(embedded, list) else [])
        if isinstance(credential, Mapping) and (t := _ob3_fields(credential).get("title"))
    ]
    achievements = subject.get("achievement")
    titles += [
        a["name"]
        for a in (achievements if isinstance(achievements, list) else [])
        if isinstance(a, Mapping) and _string(a.get("name"))
    ]
    fields = {"learningOutcomes": [{"title": t} for t in dict.fromkeys(titles)]}
    return _merged(fields, _generic(document))


def _inner(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential of a JAdES seal (its payload) or of an EDC upload file; else itself."""
    from microcred.jades.jws import is_jades, read_payload

    if is_jades(document):
        payload = read_payload(document)
        return payload if isinstance(payload, Mapping) else {}
    inner = document.get("credential")
    if "@context" not in document and isinstance(inner, Mapping):
        return inner
    return document


def _credential_fields(document: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(format, fields) of a JSON credential."""
    from microcred.bindings.edc import is_edc, read_edc
    from microcred.bindings.elm import from_credential
    from microcred.bindings.ob3 import from_ob3
    from microcred.verification.schema import is_ob3

    if "ClrCredential" in _types(document):
        return "clr", _clr_fields(document)
    if is_ob3(document):
        if "euMicroCredential" in document:
            try:
                return "ob3", _merged(from_ob3(document).dump(), _ob3_fields(document))
            except MicrocredError:
                pass
        return "ob3", _ob3_fields(document)
    if is_edc(document):
        return "edc", _merged(dict(read_edc(document).fields), _generic(_inner(document)))
    try:
        return "vc", _merged(from_credential(document).dump(), _generic(document))
    except (MicrocredError, ValueError, TypeError, KeyError):
        pass
    fields: dict[str, Any] = {}
    if "credentialSubject" in document:
        try:
            fields = dict(read_edc(document).fields)
        except (MicrocredError, ValueError, TypeError, KeyError):
            fields = {}
    return "vc", _merged(fields, _generic(document))


@cache
def _sd_jwt_paths() -> Mapping[str, Any]:
    text = (resources.files("microcred") / "data" / "annex-i.json").read_text("utf-8")
    from microcred.strict_json import parse_json

    table = parse_json(text)
    assert isinstance(table, dict)
    found: Mapping[str, Any] = table["sdJwtVc"]
    return found


_JWT_CLAIMS = frozenset({"iss", "iat", "nbf", "exp", "vct", "cnf", "status", "sub", "_sd_alg"})


def _at(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for key in path.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _values(value: Any) -> Iterator[Any]:
    """Texts of a claim: a string or language map as is, numbers as strings, lists flattened,
    an object by its name/title/value."""
    if isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        yield str(value)
    elif isinstance(value, str) and value.strip():
        yield value
    elif isinstance(value, Mapping):
        for key in ("title", "name", "value", "legalName", "narrative"):
            if key in value:
                yield from _values(value[key])
                return
        if all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            yield dict(value)  # a language map


def _sd_jwt_fields(claims: Mapping[str, Any]) -> dict[str, Any]:
    """Claims of an SD-JWT VC: ours as the micro-credential they carry; other learning
    credential types (EUDI, DC4EU) by the claim paths of each Annex I element
    (data/annex-i.json "sdJwtVc"), shown as disclosed."""
    from microcred.bindings.eudi import MICROCRED_VCT, from_sd_jwt_vc

    try:
        return from_sd_jwt_vc(claims).dump()
    except MicrocredError:
        pass
    if claims.get("vct") == MICROCRED_VCT:  # ours, partly disclosed: the model's own format
        return {k: v for k, v in claims.items() if k not in _JWT_CLAIMS}
    paths = _sd_jwt_paths().get(str(claims.get("vct")), {})
    elements = {
        element: [v for path in element_paths for v in _values(_at(claims, path))]
        for element, element_paths in paths.items()
    }
    learner = elements.get("M1") or []
    fields: dict[str, Any] = {
        "title": (elements.get("M2") or [claims.get("vct")])[0],
        "learner": {"fullName": " ".join(str(v) for v in learner)} if learner else None,
        "issuer": {"legalName": (elements.get("M4") or [None])[0]},
        "dateOfIssuing": (elements.get("M5") or [None])[0],
        "learningOutcomes": [{"title": t} for t in elements.get("M6") or []],
        "grade": {"value": elements["O3"][0]} if elements.get("O3") else None,
        "_elements": {k: v for k, v in elements.items() if v},
    }
    if not fields["issuer"]["legalName"]:
        fields["issuer"] = {"id": claims.get("iss")} if isinstance(claims.get("iss"), str) else None
    return {k: v for k, v in fields.items() if v}


def _token(token: str) -> Reading:
    """A compact vc+jwt (its payload) or an SD-JWT VC (what its disclosures reveal)."""
    from microcred.jose.compact import parse_compact
    from microcred.jose.disclosures import reveal
    from microcred.jose.sd_jwt import parse_sd_jwt
    from microcred.jose.vc_jwt import read_credential_payload
    from microcred.strict_json import parse_json

    if "~" in token:
        sd_jwt = parse_sd_jwt(token)
        payload = parse_json(parse_compact(sd_jwt.issuer_jwt).payload)
        if not isinstance(payload, dict):
            raise MalformedDocumentError("the SD-JWT payload is not a JSON object")
        claims, _ = reveal(payload, sd_jwt.disclosures)
        return Reading("dc+sd-jwt", _sd_jwt_fields(claims), token, _own_labels(claims))
    payload = parse_json(parse_compact(token.strip()).payload)
    if not isinstance(payload, dict):
        raise MalformedDocumentError("the token's payload is not a JSON object")
    credential = read_credential_payload(payload).credential
    _, fields = _credential_fields(credential)
    labels = _own_labels(credential)
    return Reading("vc+jwt", fields, token, labels, _stated_language(credential))


def read_any(credential: Any) -> Reading:
    """What `credential` says, whatever we can read it as; MalformedDocumentError when it
    is none of them."""
    from microcred.model import MicroCredential

    if isinstance(credential, MicroCredential):
        return Reading("vc", credential.dump(), credential)
    if isinstance(credential, (bytes, bytearray)):
        credential = credential.decode("utf-8", "replace")
    if isinstance(credential, str):
        text = credential.strip()
        if text.startswith("{"):
            from microcred.strict_json import parse_json

            credential = parse_json(text)
        else:
            return _token(text)
    if not isinstance(credential, Mapping):
        raise MalformedDocumentError(
            "describe() reads a credential (a JSON object or a compact token), a "
            f"MicroCredential or a VerificationResult, not {type(credential).__name__}"
        )
    kind, fields = _credential_fields(credential)
    return Reading(
        kind, fields, credential, _own_labels(_inner(credential)), _stated_language(credential)
    )
