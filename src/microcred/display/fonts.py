"""Which font draws each character: the bundled Noto Sans subsets (Latin, Greek, Cyrillic),
then the system's Noto fonts for every other script (lookup order in data/fonts/SOURCES.md).
A character that no font covers raises `MissingGlyphError`: nothing is dropped or drawn as
an empty box. Needs fontTools (`microcred[render]`)."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from microcred.errors import MissingDependencyError, MissingGlyphError

__all__ = [
    "MARK",
    "SYSTEM_FONT_DIRS",
    "Face",
    "FontChain",
    "bundled_face",
    "font_dirs",
    "mark_text",
    "require_render_extra",
]

SYSTEM_FONT_DIRS = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto",
    "/usr/share/fonts/google-noto-vf",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/google-noto-sans-cjk-fonts",
)
"""Where the system's Noto fonts are looked for when `MICROCRED_FONT_PATH` is not set."""

_EXTENSIONS = (".ttf", ".otf", ".ttc", ".otc")
_CJK_REGION = {"ja": "JP", "ko": "KR", "zh-hant": "TC", "zh-tw": "TC", "zh-hk": "HK"}


def require_render_extra(*modules: str) -> None:
    """Raise `MissingDependencyError` naming the extra when a module cannot be imported."""
    import importlib

    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingDependencyError(
                f"drawing a credential needs {module!r}: pip install 'microcred[render]'"
            ) from None


@dataclass(frozen=True)
class Face:
    """One font: a file (a face of a collection when `index` > 0) and a unique `name` (the
    PDF's font family name). `bold` is the bold file, for the bundled face only."""

    name: str
    path: str
    index: int = 0
    bold: str | None = None


MARK = Face("mark", "")
"""The face of a character no font covers, under `missing="mark"`: renderers draw it as
a box holding its code point (like Unicode's Last Resort font), visibly, never as blank."""


def _bundled(file: str) -> str:
    return str(resources.files("microcred") / "data" / "fonts" / file)


def bundled_face() -> Face:
    """The Noto Sans subsets shipped in the wheel."""
    return Face(
        "NotoSans",
        _bundled("NotoSans-Regular-subset.ttf"),
        bold=_bundled("NotoSans-Bold-subset.ttf"),
    )


def font_dirs() -> tuple[str, ...]:
    """`MICROCRED_FONT_PATH` (directories or files, `os.pathsep`-separated) when set, even
    empty; else `SYSTEM_FONT_DIRS`."""
    env = os.environ.get("MICROCRED_FONT_PATH")
    if env is not None:
        return tuple(part for part in env.split(os.pathsep) if part)
    return SYSTEM_FONT_DIRS


def _rank(path: Path) -> tuple[int, int, str]:
    """Regular faces first; Noto Sans, then Noto Sans CJK, then other sans, then the rest."""
    stem = path.stem
    style = 0 if "Regular" in stem else 1 if "-" not in stem else 2
    family = stem.split("-")[0]
    order = (
        0
        if family == "NotoSans"
        else 1
        if family.startswith("NotoSansCJK")
        else 2
        if family.startswith("NotoSans") and "Mono" not in family
        else 3
    )
    return style, order, stem


@cache
def _files(dirs: tuple[str, ...]) -> tuple[Path, ...]:
    found: list[Path] = []
    for entry in map(Path, dirs):
        if entry.is_file():
            found.append(entry)
        elif entry.is_dir():
            found += sorted(p for p in entry.iterdir() if p.suffix.lower() in _EXTENSIONS)
    return tuple(sorted(dict.fromkeys(found), key=_rank))


@cache
def _collection_names(path: str) -> tuple[str, ...]:
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        return tuple(str(font["name"].getDebugName(4) or "") for font in collection.fonts)


def _index(path: Path, language: str) -> int:
    """The face of a collection for `language`: the CJK region (JP, KR, SC, TC, HK)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    tag = language.lower()
    region = _CJK_REGION.get(tag) or _CJK_REGION.get(tag.split("-")[0]) or "SC"
    names = _collection_names(str(path))
    wanted = [i for i, name in enumerate(names) if name.endswith(f" {region}")]
    sans = [i for i in wanted if "Mono" not in names[i]]
    return (sans or wanted or [0])[0]


@cache
def coverage(path: str, index: int = 0) -> frozenset[int]:
    """The code points a font file (face `index` of a collection) maps to glyphs."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _needs_glyph(char: str) -> bool:
    """Format characters and variation selectors are invisible; they need no glyph."""
    point = ord(char)
    selector = 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF
    return unicodedata.category(char) != "Cf" and not selector


def clean(text: str) -> str:
    """Control characters (line breaks, tabs) become spaces."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


class FontChain:
    """The faces that draw texts in `language` (a BCP 47 tag): bundled first, then the
    system's fonts in lookup order, each read only when an earlier one lacks a character.
    A character no font covers raises `MissingGlyphError`, or with `missing="mark"` is
    given the `MARK` face (drawn as a box with its code point)."""

    def __init__(self, language: str = "en", *, missing: str = "error") -> None:
        if missing not in ("error", "mark"):
            raise ValueError(f"missing must be 'error' or 'mark', not {missing!r}")
        self.language = language
        self.missing = missing
        self._bundled = bundled_face()
        self._files = iter(_files(font_dirs()))
        self._faces: list[Face] = [self._bundled]
        self._by_char: dict[str, Face] = {}

    def _more(self) -> Iterator[Face]:
        yield from self._faces
        for path in self._files:
            index = _index(path, self.language)
            face = Face(f"F{len(self._faces)}-{path.stem}-{index}", str(path), index)
            self._faces.append(face)
            yield face

    def face_for(self, char: str) -> Face:
        """The first face that covers `char`; `MissingGlyphError` when none does."""
        if char in self._by_char:
            return self._by_char[char]
        point = ord(char)
        for face in self._more():
            try:
                covered = point in coverage(face.path, face.index)
            except Exception:  # an unreadable font file is skipped, not fatal
                continue
            if covered:
                self._by_char[char] = face
                return face
        if self.missing == "mark":
            self._by_char[char] = MARK
            return MARK
        name = unicodedata.name(char, "unnamed character")
        raise MissingGlyphError(
            f"no font draws U+{point:04X} ({name}): install the Noto fonts of its script "
            "(Debian: fonts-noto-core, fonts-noto-cjk) or name a font in MICROCRED_FONT_PATH"
        )

    def runs(self, text: str) -> list[tuple[str, Face]]:
        """`text` cut into runs each drawn by one face; invisible format characters stay
        with the run they are in or are left out when that face lacks them."""
        out: list[tuple[str, Face]] = []
        for char in clean(text):
            current = out[-1][1] if out else None
            if current is not None and current != MARK and _covers(current, char):
                face = current
            elif not _needs_glyph(char):
                continue
            elif char == " " and current is not None:
                face = current if current != MARK else self._bundled
            else:
                face = self.face_for(char)
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + char, face)
            else:
                out.append((char, face))
        return out

    def faces(self, texts: list[str]) -> list[Face]:
        """Every font face that `texts` need, bundled first (raises `MissingGlyphError`)."""
        needed = {self._bundled: None}
        for text in texts:
            for _, face in self.runs(text):
                needed[face] = None
        return [face for face in needed if face != MARK]

    def spelled(self, text: str) -> str:
        """`text` with each character no font covers written as "[U+0378]" (for outputs
        that draw text only from fonts, e.g. PDF); raises under `missing="error"`."""
        runs = self.runs(text)
        return "".join(
            "".join(f"[{mark_text(c)}]" for c in run) if face == MARK else run for run, face in runs
        )


def _covers(face: Face, char: str) -> bool:
    return ord(char) in coverage(face.path, face.index)


def mark_text(char: str) -> str:
    """The code point a `MARK` box shows: "U+0378"."""
    return f"U+{ord(char):04X}"
