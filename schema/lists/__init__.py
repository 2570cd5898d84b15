"""The lists: supervisors' decisions (mutations) and the centralised publicity (a query)."""
