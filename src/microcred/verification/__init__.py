"""Verifying what a holder brings: the Verifier, the securing-mechanism registry, the checks
of a credential and of a presentation, and their results."""
