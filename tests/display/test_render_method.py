"""W3C render methods: an issuer adds an SVG template before signing (and the credential
still verifies); a template read from a credential is filled with escaped values and
sanitised; linked templates are never fetched."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from microcred import MicroCredential, sign, verify
from microcred.bindings.elm import to_credential
from microcred.display.render_method import add_render_method, render_template, sanitize_svg
from microcred.errors import InvalidOptionError
from microcred.testing import test_key

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200">'
    '<rect width="600" height="200" fill="#dfe7fb"/>'
    '<text x="20" y="80">{{credentialSubject.fullName.en}}</text>'
    "<text x='20' y='140'>{{validFrom}}</text></svg>"
)


def _unsigned() -> dict[str, Any]:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    key = test_key("Ed25519")
    return to_credential(MicroCredential.parse(data).with_issuer_id(key.did))


def test_an_issuer_adds_a_template_and_the_credential_verifies() -> None:
    unsigned = _unsigned()
    with_method = add_render_method(unsigned, TEMPLATE, name="Certificate")
    assert "renderMethod" not in unsigned  # the caller's dict is untouched
    [method] = with_method["renderMethod"]
    assert method["type"] == "TemplateRenderMethod" and method["renderSuite"] == "svg-mustache"
    assert method["template"].startswith("data:image/svg+xml;base64,")
    signed = sign(with_method, key=test_key("Ed25519"))
    assert verify(signed).verified
    svg = render_template(signed)
    assert svg is not None and "<script" not in svg and signed["validFrom"] in svg
    with pytest.raises(InvalidOptionError, match="before signing"):
        add_render_method(signed, TEMPLATE)


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        '<rect onclick="alert(1)"/>',
        '<image href="https://tracker.example/p.png"/>',
        "<style>@import url(https://evil.example/a.css);</style>",
        '<rect style="fill:url(https://evil.example/f)"/>',
        '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
        '<a href="javascript:alert(1)"><text>x</text></a>',
        '<use href="https://evil.example/s.svg#a"/>',
    ],
)
def test_an_unsafe_template_is_refused_to_issuers_and_cleaned_for_readers(bad: str) -> None:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">{bad}<text>ok</text></svg>'
    with pytest.raises(InvalidOptionError, match="unsafe SVG template"):
        add_render_method({}, svg)
    cleaned = sanitize_svg(svg)
    for word in ("script", "onclick", "https:", "javascript", "foreignObject", "@import"):
        assert word not in cleaned
    assert "<text>ok</text>" in cleaned


def test_entities_and_non_svg_roots_are_refused() -> None:
    with pytest.raises(InvalidOptionError, match="DOCTYPE"):
        sanitize_svg('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"/>')
    with pytest.raises(InvalidOptionError, match="root"):
        sanitize_svg("<html/>")


def _carrying(svg: str, **extra: Any) -> dict[str, Any]:
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    method = {"type": "TemplateRenderMethod", "renderSuite": "svg-mustache", "template": url}
    return {
        "credentialSubject": {"name": '<b>"Zoë"</b>', "id": "did:x"},
        "renderMethod": [{**method, **extra}],
    }


def test_values_are_escaped_and_render_property_limits_them() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>{{{credentialSubject.name}}}|{{credentialSubject.id}}|{{#x}}</text></svg>'
    filled = render_template(_carrying(svg))
    assert (
        filled is not None and "&lt;b&gt;" in filled and "<b>" not in filled and "did:x" in filled
    )
    limited = render_template(_carrying(svg, renderProperty=["/credentialSubject/name"]))
    assert limited is not None and "did:x" not in limited and "Zoë" in limited


def test_linked_or_unknown_templates_are_not_drawn() -> None:
    linked = {
        "renderMethod": {
            "type": "TemplateRenderMethod",
            "renderSuite": "svg-mustache",
            "template": {"id": "https://issuer.example/t.svg", "mediaType": "image/svg+xml"},
        }
    }
    assert render_template(linked) is None
    assert render_template({"renderMethod": [{"type": "SvgRenderingTemplate2023"}]}) is None
    assert render_template("a token") is None
