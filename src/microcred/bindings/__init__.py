"""Mappings between the micro-credential model and the formats it travels in: `elm` (our VC
2.0 ELM credential) and `edc` (Europass), each writing and reading back."""
