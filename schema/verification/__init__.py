"""GraphQL of credit verification: verifyCredit, verifyCredits, verification."""
