"""Bitstring Status List: the bitstring, entries and list credentials an issuer publishes,
loading lists for a verification (and keeping them within their ttl), and the status check."""
