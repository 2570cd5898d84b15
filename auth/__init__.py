"""Access control at the gateway's edge: token endpoint, token validation, principals and
permissions."""
