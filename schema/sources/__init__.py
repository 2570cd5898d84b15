"""Source systems: their sync health and how fresh their data is."""
