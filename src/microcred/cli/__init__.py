"""The `microcred` command line, one module per command group: `keys` (keygen), `credentials`
(issue, sign, verify, demo), `batch` (issue --batch), `status` (status create/set/clear/check/
path, and the status entries issue hands out), `presentations` (present, verify-presentation),
`inspect`, `render` (HTML, PDF, PNG from the display view) and `conformance` (a corpus of
samples and their expected verdicts). Each imports only `common` (the shared helpers: exit
codes, the usage error, strict JSON input, key files, atomic output, status options, the result
table) and the library, save that issue hands --batch to `batch` and both take status entries
from `status`. `main` registers every group on one parser and turns every error into one line
on stderr and an exit code (see its docstring).
"""

from microcred.cli.main import main

__all__ = ["main"]
