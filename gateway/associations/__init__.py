"""Industry associations (行业协会) and their member enterprises.

Administrators keep which enterprises each association client has as members. An association
sees its members' profiles as a partner does (every record, for a stated purpose) and the
public view of every other enterprise, and records self-discipline commitments (自律承诺) and
their checks for its members only.
"""
