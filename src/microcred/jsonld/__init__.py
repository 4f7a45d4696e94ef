"""JSON-LD processing: the offline loader, safe expansion to RDF, canonicalisation."""
