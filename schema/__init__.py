"""The GraphQL API: one package per domain, composed once in `schema.schema`."""
