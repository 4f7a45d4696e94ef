"""`python -m microcred`: the command line."""

from microcred.cli import main

raise SystemExit(main())
