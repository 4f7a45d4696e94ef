"""The page image a Europass EDC embeds per display language (ELM `DisplayDetail.image`):
a micro-credential's `CredentialView` drawn as an A4 portrait PNG by `display.page`.

The view is built here from the model (title, learner, awarding bodies, date of issuing,
workload, level); texts missing in the language fall back by `LangText.best`, captions come
from data/display-captions.json (English where a language has none, marked as fallback).
Output is deterministic: bundled fonts, a fixed palette, no metadata.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources

from microcred.display.page import A4_PAGE_SIZE, render_png
from microcred.display.summary import learner_name, level_text, workload_text
from microcred.display.view import CAPTION_KEYS, CredentialView, Text
from microcred.model import LangText, MicroCredential

__all__ = ["PAGE_SIZE", "page_view", "render_page"]

PAGE_SIZE = A4_PAGE_SIZE
"""Width and height of the page in pixels (A4 portrait at 150 dpi)."""

_KEYS = {  # CredentialView caption key -> key of data/display-captions.json
    "heading": "heading",
    "learner": "awardedTo",
    "awarding_body": "awardingBody",
    "issued": "dateOfIssuing",
    "workload": "workload",
    "levels": "level",
}


@cache
def _all_captions() -> Mapping[str, Mapping[str, str]]:
    text = (resources.files("microcred") / "data" / "display-captions.json").read_text("utf-8")
    return json.loads(text)["captions"]  # type: ignore[no-any-return]


def _captions(language: str) -> tuple[str, Mapping[str, str]]:
    """(the captions' language, the captions) for a BCP 47 tag; English when missing."""
    captions = _all_captions()
    primary = language.split("-", 1)[0].lower()
    return (primary, captions[primary]) if primary in captions else ("en", captions["en"])


def _text(value: LangText, language: str) -> Text:
    tag, text = value.best_item(language)
    return Text(text, tag, fallback=tag.split("-")[0].lower() != language.split("-")[0].lower())


def page_view(
    mc: MicroCredential, language: str, *, title: LangText | None = None
) -> CredentialView:
    """The view the page of `mc` in `language` draws (`title` replaces `mc.title`)."""
    tag, table = _captions(language)
    fallback = tag != language.split("-", 1)[0].lower()
    english = _all_captions()["en"]
    captions = {
        key: Text(table[_KEYS[key]], tag, fallback=fallback) for key in _KEYS if _KEYS[key] in table
    }
    for key in CAPTION_KEYS:  # the keys the page file has no words for: English, marked so
        captions.setdefault(key, Text(key.replace("_", " ").capitalize(), "en", fallback=True))
    bodies = "; ".join(org.legal_name.best(language) for org in mc.awarding_bodies)
    level = level_text(mc, table.get("eqf", english["eqf"]))
    workload = workload_text(mc, table.get("hours", english["hours"]))
    return CredentialView(
        format="vc",
        language=language,
        id=mc.id,
        title=_text(title or mc.title, language),
        description=None,
        learner=Text(learner_name(mc, language)),
        awarding_body=Text(bodies) if bodies else None,
        country=None,
        issued=Text(mc.date_of_issuing.date().isoformat()),
        valid=None,
        elements=(),
        learning_outcomes=(),
        workload=Text(workload) if workload else None,
        levels=(Text(level),) if level else (),
        assessment=None,
        quality_assurance=None,
        grade=None,
        verdict=None,
        captions=captions,
    )


def render_page(
    mc: MicroCredential,
    language: str,
    *,
    title: LangText | None = None,
    logo: bytes | None = None,
) -> bytes:
    """The A4 PNG page of `mc` in `language` (a BCP 47 tag); `title` replaces `mc.title`,
    `logo` (image bytes) is drawn at the top. A character no font covers is drawn as a box
    with its code point (issuing never fails over a glyph, and nothing is left blank).
    Raises `MissingDependencyError` without `microcred[render]`."""
    return render_png(page_view(mc, language, title=title), logo=logo, missing="mark")
