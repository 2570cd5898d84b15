"""Enterprises: credit profiles, their records and the enterprise search."""
