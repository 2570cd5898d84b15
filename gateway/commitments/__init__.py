"""Credit commitments (信用承诺) recorded here and their checks.

A commitment submitted here (by the bureau's staff on the enterprise's behalf, or by an
industry association for a member) is a COMMITMENT record of the gateway's own source, written
through the archive's write path: it has versions and provenance, and appears in profiles, the
change feed and verification like any source's commitment. A check is a new version of the
record with its outcome; the evidence is kept beside it.
"""
