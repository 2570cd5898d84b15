"""Supervisors' list decisions (abnormal operations, serious dishonesty) and the centralised
publicity of both lists (集中公示).

Decisions are records of the gateway's own source, written through the archive's write path,
so that version history, `asOf`, profiles and the enterprise search see them at once.
"""
