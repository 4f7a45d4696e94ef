"""JOSE: compact JWS (RFC 7515) and the credentials it secures, VC-JOSE-COSE `vc+jwt` and
the VC 1.1 JWT encoding Open Badges 3.0 uses (docs/jose.md)."""
