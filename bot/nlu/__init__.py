"""Understanding real-world Vietnamese: normalisation, teencode, procedure matching."""
