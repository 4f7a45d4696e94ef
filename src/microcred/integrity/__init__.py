"""W3C Data Integrity: adding and verifying proofs (sets, chains) and the cryptosuites."""
