"""The change feed: creditEvents (pages) and creditChanged (a subscription)."""
