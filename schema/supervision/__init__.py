"""The key-supervision list (internal: risk:read to read, lists:write to decide) and typical
cases (public to read, lists:write to decide)."""
