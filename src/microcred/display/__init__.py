"""Showing a credential to a person: the Annex I summary in one language, page images."""
