"""Credit-risk classification (types of the contract; assessments are not served yet)."""
