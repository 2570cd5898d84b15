"""Source adapters: connector kinds, source mappings and the demo source systems."""
