"""Credit verifications: per purpose, as of an instant, stored, signed and audited."""
