-- Credit repair (信用修复, SAMR Order 107): applications about one archive record (a penalty,
-- a negative inspection result, an abnormal or serious list entry), their deadlines in working
-- days, the decision and a revocation for fraud. Profiles read the approved, unrevoked repairs
-- (the record no longer public from the decision) and the revoked ones (the record restored,
-- its period restarted from the revocation).

CREATE TABLE credit_repairs (
    id                uuid PRIMARY KEY,
    uscc              text COLLATE "C" NOT NULL,
    target_pk         bigint NOT NULL REFERENCES records (id),
    target_kind       text NOT NULL CHECK (target_kind IN
                          ('PENALTY', 'INSPECTION', 'ABNORMAL_LISTING', 'SERIOUS_LISTING')),
    status            text NOT NULL CHECK (status IN
                          ('APPLIED', 'ACCEPTED', 'APPROVED', 'REJECTED', 'REVOKED')),
    commitment_text   text NOT NULL,
    proof_refs        text[] NOT NULL DEFAULT '{}',
    applied_at        timestamptz NOT NULL,
    applied_by        text,
    accept_due        date NOT NULL,
    accepted_at       timestamptz,
    accepted_by       text,
    decide_due        date,
    complex           boolean NOT NULL DEFAULT false,
    decided_at        timestamptz,
    decided_on        date,          -- the day (Asia/Shanghai) an approval takes effect
    decided_by        text,
    decision_reason   text,
    update_due        date,
    revoked_at        timestamptz,
    revoked_on        date,          -- the day (Asia/Shanghai) the record is restored
    revoked_by        text,
    revocation_reason text,
    CHECK ((status = 'APPLIED') = (accepted_at IS NULL)),
    CHECK ((status IN ('APPROVED', 'REJECTED', 'REVOKED')) = (decided_at IS NOT NULL)),
    CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL))
);
CREATE INDEX credit_repairs_by_uscc ON credit_repairs (uscc, target_pk);
CREATE INDEX credit_repairs_by_status ON credit_repairs (status, applied_at DESC, id DESC);
-- At most one open application and one standing approval per record.
CREATE UNIQUE INDEX credit_repairs_one_open ON credit_repairs (target_pk)
    WHERE status IN ('APPLIED', 'ACCEPTED');
CREATE UNIQUE INDEX credit_repairs_one_approved ON credit_repairs (target_pk)
    WHERE status = 'APPROVED';
