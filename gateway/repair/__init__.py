"""Credit repair (信用修复, SAMR Order 107; the 2021 rules for earlier dates): applications about
one archive record, their eligibility (`eligibility`), deadlines in working days (`deadlines`),
their storage (`store`) and the steps of the procedure (`service`).

An approved repair ends the record's publicity on the day of the decision: profiles carry the
approved repairs (`Profile.repairs`), which the publicity rules, the views and verification
read, so the public view changes at once. A repair revoked for fraud no longer applies, and the
record's period restarts from the revocation day (`Profile.restarts`, see `effects`).
"""
