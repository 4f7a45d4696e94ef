"""Sample `CredentialView`s for testing renderers and templates without a credential: one
page in a given language, a learner name in any script (Latin, Greek, Cyrillic, Chinese),
with or without a verdict. The captions are English unless given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.display.localisation import table
from microcred.display.view import (
    CAPTION_KEYS,
    CheckView,
    CredentialView,
    Entry,
    Text,
    Verdict,
)

__all__ = ["SAMPLE_LEARNERS", "SAMPLE_TITLES", "sample_view"]

SAMPLE_LEARNERS = {
    "latin": "Zoë Ó Briain-Müller",
    "greek": "Ζωή Παπαδοπούλου",
    "cyrillic": "Зоя Иванова",
    "cjk": "李小龙",
}
"""A learner's name per script."""

SAMPLE_TITLES = {
    "en": "Creating digital micro-credentials",
    "de": "Digitale Micro-Credentials erstellen",
    "el": "Δημιουργία ψηφιακών μικροδιαπιστευτηρίων",
    "bg": "Създаване на цифрови микроквалификации",
}
"""A title per language."""


def sample_view(
    language: str = "en",
    *,
    learner: str = SAMPLE_LEARNERS["latin"],
    title: str | None = None,
    verified: bool | None = True,
    captions: Mapping[str, str] | None = None,
    source: Any = None,
    credential_id: str = "urn:uuid:2f7d1c9e-6b1a-4f43-9b2e-8d8a4a1f3c10",
) -> CredentialView:
    """A view of a small micro-credential. `verified`: True or False gives a verdict with
    three checks, None no verdict; `captions` (in `language`) replace the English ones,
    which are then marked as fallback when `language` is not English."""
    title_language = language if title is not None or language in SAMPLE_TITLES else "en"
    title_text = title if title is not None else SAMPLE_TITLES.get(language, SAMPLE_TITLES["en"])
    given = dict(captions or {})
    english = language.split("-")[0] == "en"
    english_captions = table("en")["captions"]  # the words describe() uses
    shown = {
        key: Text(given[key], language)
        if key in given
        else Text(english_captions[key], "en", fallback=not english)
        for key in CAPTION_KEYS
    }

    def english_text(text: str) -> Text:
        return Text(text, "en", fallback=not english)

    verdict = None
    if verified is not None:
        headline = shown["verified"] if verified else shown["not_verified"]
        verdict = Verdict(
            verified=verified,
            headline=headline,
            checks=(
                CheckView("proof", english_text("Signature"), "passed" if verified else "failed")
                if verified
                else CheckView(
                    "proof",
                    english_text("Signature"),
                    "failed",
                    (english_text("The credential was changed after it was signed."),),
                ),
                CheckView("validity", english_text("Validity dates"), "passed"),
                CheckView(
                    "status",
                    english_text("Revocation"),
                    "warning",
                    (english_text("The revocation list could not be checked offline."),),
                ),
            ),
        )
    elements = (
        Entry("M1", english_text("Identification of the learner"), (Text(learner),)),
        Entry("M2", english_text("Title"), (Text(title_text, title_language),)),
        Entry("M3", english_text("Country of the issuer"), (english_text("Ireland"),)),
        Entry("O2", english_text("Supervision and identity verification"), ()),
    )
    return CredentialView(
        format="vc",
        language=language,
        id=credential_id,
        title=Text(title_text, title_language),
        description=None,
        learner=Text(learner),
        awarding_body=Text("University of Galway"),
        country=english_text("Ireland"),
        issued=Text("2025-03-14"),
        valid=None,
        elements=elements,
        learning_outcomes=(
            english_text("Design a micro-credential following the EU standard elements"),
            english_text("Sign and verify a credential offline"),
        ),
        workload=Text("5 ECTS · 125 h"),
        levels=(english_text("EQF level 6"),),
        assessment=english_text("Portfolio assessment"),
        quality_assurance=None,
        grade=None,
        verdict=verdict,
        captions=shown,
        source=source,
    )
