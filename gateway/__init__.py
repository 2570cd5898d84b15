"""credit-gateway: a GraphQL gateway over a market-regulation credit archive."""

__version__ = "0.1.0"
