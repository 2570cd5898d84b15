"""The credit archive: reads and writes of the PostgreSQL store."""
