"""Verifiable Presentations a holder builds and signs (`present`)."""
