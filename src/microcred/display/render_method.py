"""W3C VC render methods (VC Render Method draft, "TemplateRenderMethod"): an issuer's SVG
template carried inside the credential, filled with the credential's values and drawn
sandboxed: no script, no event handler, no external URL, no entity. Only templates embedded
as `data:` URLs are drawn; a linked template is never fetched (offline by default).

The template language is the `svg-mustache` suite's variable tag `{{dotted.path}}` (a path
into the credential, list items by index); every value is XML-escaped, triple braces
included, and sections are not supported. With `renderProperty` only the listed JSON
pointers (RFC 6901) are filled.
"""

from __future__ import annotations

import base64
import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes
from xml.sax.saxutils import escape

from microcred.errors import InvalidOptionError

__all__ = ["RENDER_METHOD_CONTEXT", "add_render_method", "render_template", "sanitize_svg"]

_VOCAB = "https://w3id.org/vc/render-method#"
RENDER_METHOD_CONTEXT = {
    "TemplateRenderMethod": f"{_VOCAB}TemplateRenderMethod",
    "renderSuite": f"{_VOCAB}renderSuite",
    "renderProperty": f"{_VOCAB}renderProperty",
    "template": {"@id": f"{_VOCAB}template", "@type": "@id"},
}
"""The terms a render method uses beyond VC 2.0, as an embedded context (the draft's own
context, https://w3id.org/vc/render-method/v1, is not bundled, and no context is fetched)."""

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "path", "text", "tspan", "linearGradient", "radialGradient", "stop",
    "clipPath", "mask", "pattern", "symbol", "use", "image", "style",
}  # fmt: skip
_SAFE_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_UNSAFE_CSS = re.compile(r"url\s*\(\s*['\"]?(?!#)|@import|expression\s*\(|javascript:", re.I)
_TAG = re.compile(r"\{\{(\{?)\s*([#^/!>&]?)\s*([^{}]*?)\s*\}?\}\}")
_LIMIT = 1_000_000


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _clean(element: ET.Element, removed: list[str]) -> None:
    for child in list(element):
        namespace, local = _local(child.tag) if isinstance(child.tag, str) else ("", "")
        if namespace != _SVG or local not in _ELEMENTS:
            removed.append(f"element <{local or child.tag}>")
            element.remove(child)
            continue
        _attributes(child, local, removed)
        if local == "style" and _UNSAFE_CSS.search(child.text or ""):
            removed.append("a style sheet that loads or runs something")
            child.text = ""
        _clean(child, removed)


def _attributes(element: ET.Element, local: str, removed: list[str]) -> None:
    for name, value in list(element.attrib.items()):
        namespace, attribute = _local(name)
        bad = attribute.lower().startswith("on") or "javascript:" in value.lower()
        if attribute == "href" and namespace in ("", _XLINK):
            allowed = value.startswith("#") if local == "use" else False
            bad = bad or not (allowed or (local == "image" and _SAFE_IMAGE.match(value)))
        elif namespace not in ("", _XLINK, _XML) or _UNSAFE_CSS.search(value):
            bad = True
        if bad:
            removed.append(f"attribute {attribute}")
            del element.attrib[name]


def sanitize_svg(svg: str, *, strict: bool = False) -> str:
    """`svg` with every element, attribute and style that could run code or load anything
    removed (an allowlist of SVG drawing elements; `href` only to `#fragments` or `data:`
    images). With `strict`, raise `InvalidOptionError` naming what would be removed."""
    if len(svg) > _LIMIT:
        raise InvalidOptionError("an SVG template may hold at most 1,000,000 characters")
    if re.search(r"<!DOCTYPE|<!ENTITY", svg, re.I):
        raise InvalidOptionError("an SVG template may not declare a DOCTYPE or entities")
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        raise InvalidOptionError(f"the SVG template is not well-formed XML: {error}") from None
    if _local(root.tag) != (_SVG, "svg"):
        raise InvalidOptionError("the template's root must be an <svg> in the SVG namespace")
    removed: list[str] = []
    _attributes(root, "svg", removed)
    _clean(root, removed)
    if strict and removed:
        raise InvalidOptionError(f"unsafe SVG template: {', '.join(sorted(set(removed)))}")
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    return ET.tostring(root, encoding="unicode")


def add_render_method(
    credential: Mapping[str, Any], template: str, *, name: str | None = None
) -> dict[str, Any]:
    """A copy of the unsigned `credential` with an `svg-mustache` TemplateRenderMethod whose
    template (SVG text with `{{path}}` tags) is embedded as a `data:` URL; sign it after.
    Raises `InvalidOptionError` for a signed credential or an unsafe template."""
    if "proof" in credential:
        raise InvalidOptionError("add the render method before signing: a proof covers it")
    sanitize_svg(_TAG.sub("", template), strict=True)
    encoded = base64.b64encode(template.encode("utf-8")).decode("ascii")
    method: dict[str, Any] = {
        "@context": RENDER_METHOD_CONTEXT,
        "type": "TemplateRenderMethod",
        "renderSuite": "svg-mustache",
        "template": f"data:image/svg+xml;base64,{encoded}",
    }
    if name is not None:
        method["name"] = name
    out = copy.deepcopy(dict(credential))
    existing = out.get("renderMethod", [])
    out["renderMethod"] = [*(existing if isinstance(existing, list) else [existing]), method]
    return out


def _data_url(url: str) -> str | None:
    """The text of a `data:image/svg+xml` URL (base64 or percent-encoded), else None."""
    match = re.match(r"^data:image/svg\+xml(;charset=[\w-]+)?(;base64)?,(.*)$", url, re.S)
    if match is None:
        return None
    try:
        if match.group(2):
            data = base64.b64decode(match.group(3), validate=False)
        else:
            data = unquote_to_bytes(match.group(3))
        return data.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _lookup(credential: Any, path: str) -> Any:
    value = credential
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _pointer(path: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path.split("."))


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _filler(credential: Any, pointers: set[str] | None) -> Callable[[re.Match[str]], str]:
    """The replacement of one Mustache tag: the escaped value, or nothing for a section,
    a comment, a partial or a path `renderProperty` does not list."""

    def fill(match: re.Match[str]) -> str:
        if match.group(2):
            return ""
        path = match.group(3)
        if pointers is not None and _pointer(path) not in pointers:
            return ""
        return escape(_text(_lookup(credential, path)), {'"': "&quot;"})

    return fill


def render_template(credential: Any) -> str | None:
    """The first embedded `svg-mustache` template of `credential`, filled and sanitised, as
    SVG text; None when it carries none we can draw (linked templates are not fetched)."""
    if not isinstance(credential, Mapping):
        return None
    methods = credential.get("renderMethod")
    for method in methods if isinstance(methods, list) else [methods]:
        if not isinstance(method, Mapping) or method.get("type") != "TemplateRenderMethod":
            continue
        if method.get("renderSuite") != "svg-mustache":
            continue
        template = method.get("template")
        svg = _data_url(template) if isinstance(template, str) else None
        if svg is None or len(svg) > _LIMIT:
            continue
        allowed = method.get("renderProperty")
        pointers = set(allowed) if isinstance(allowed, list) else None
        try:
            return sanitize_svg(_TAG.sub(_filler(credential, pointers), svg))
        except InvalidOptionError:
            continue
    return None
