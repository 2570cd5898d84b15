"""GraphQL of commitments recorded here, their checks, and association memberships."""
