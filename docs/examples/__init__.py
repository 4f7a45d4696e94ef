"""Sample inputs, shipped in the wheel as microcred.examples (the `microcred demo` reads them)."""
