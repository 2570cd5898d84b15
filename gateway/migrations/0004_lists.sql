-- Supervisors' list decisions and the centralised publicity of both lists (集中公示).
--
-- A decision is a LISTING record of the gateway's own source, written like any source's
-- records (with its versions). serious_listing_bases keeps beside a serious listing decided
-- here what later decisions about it need and the record does not carry: the penalty it was
-- decided with, and the last day of a statutory restriction.

CREATE TABLE serious_listing_bases (
    record_pk           bigint PRIMARY KEY REFERENCES records (id),
    penalty_pk          bigint NOT NULL REFERENCES records (id),
    restriction_ends_on date
);
-- One serious listing per penalty.
CREATE UNIQUE INDEX serious_listing_bases_by_penalty ON serious_listing_bases (penalty_pk);

-- The entries of one list, newest first: a page of the publicity is one index range, and the
-- rows outside the date asked about are filtered as the range is read. Dates are ISO text in
-- the payload, ordered as dates in the C collation (a text-to-date cast is not immutable, so
-- it cannot be indexed).
CREATE INDEX records_listings_by_date ON records (
    (payload->>'kind'), ((payload->>'listed_on') COLLATE "C") DESC, id DESC
) WHERE kind = 'LISTING';
