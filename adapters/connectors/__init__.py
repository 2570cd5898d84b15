"""Connector kinds: how the gateway reaches a department's system."""
