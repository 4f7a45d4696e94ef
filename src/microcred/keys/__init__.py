"""Keys and identifiers: key pairs and the Signer seam, Multikey and multibase encodings,
did:key, did:web, and the resolvers that turn a verification method URL into a key."""
