"""Access control at the gateway's edge: token endpoint, token validation, principals and
permissions. Until it lands, every caller is served the same view (see README)."""
