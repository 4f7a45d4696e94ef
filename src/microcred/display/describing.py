"""`describe()`: any credential (or a verification result) read and shown as one
`CredentialView`; the reading is `display.reading`, the view `display.describer`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from microcred.display.describer import Reading, view_of
from microcred.display.reading import read_any
from microcred.display.view import CredentialView
from microcred.result import VerificationResult

__all__ = ["describe"]


def describe(
    credential_or_result: Any,
    *,
    languages: str | Iterable[str] = ("en",),
    result: VerificationResult | None = None,
) -> CredentialView:
    """What a person sees of a credential, in the first of `languages` we can show.

    `credential_or_result`: a credential of ours (signed or not), a Europass EDC (sealed or
    not), an Open Badges 3.0 or CLR credential, a compact vc+jwt or SD-JWT VC token, a
    `MicroCredential`, or a `VerificationResult` (its verified document is shown with the
    verdict). `result`: the verification result of the credential given, when it did not
    verify (a failed result carries no document) or was verified elsewhere.

    `languages`: BCP 47 tags in order of preference (`("de-AT", "en")` or `"de-AT,en"`);
    each tag falls back to its shorter forms (`de-AT` -> `de`). Every `Text` says the
    language it is in and whether it is a fallback. Raises MissingDependencyError without
    Babel (`pip install 'microcred[render]'`), MalformedDocumentError for what is no
    credential.
    """
    if isinstance(credential_or_result, VerificationResult):
        result = credential_or_result
        document = result.document
        reading = read_any(document) if document is not None else Reading("unknown", {}, None)
    else:
        reading = read_any(credential_or_result)
    return view_of(reading, languages, result=result)
