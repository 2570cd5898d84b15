"""The tamper-evident audit trail: who read which enterprise's data, why, and when.

`entry` is a row's content, `chain` its hash, `writer` appends with group commit, `verify`
walks the chain, `trail` reads one enterprise's rows for supervisors.
"""
