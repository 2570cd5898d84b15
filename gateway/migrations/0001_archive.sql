-- The credit archive: source records with full version history, the derived enterprise
-- index, key-area tags, quarantine and per-source sync state. Core PostgreSQL only.

CREATE TABLE sources (
    name             text PRIMARY KEY,
    department       text NOT NULL,
    kind             text NOT NULL,
    cursor           jsonb NOT NULL DEFAULT '{}',
    last_attempt_at  timestamptz,
    last_success_at  timestamptz,
    last_error       text,
    record_count     bigint NOT NULL DEFAULT 0,
    quarantine_count bigint NOT NULL DEFAULT 0
);

-- Current state of every record, one row per (source, feed, id in the source).
CREATE TABLE records (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              text NOT NULL,
    source            text NOT NULL,
    feed              text NOT NULL,
    record_id         text NOT NULL,
    uscc              text COLLATE "C" NOT NULL,
    department        text NOT NULL,
    payload           jsonb NOT NULL,
    content_hash      bytea NOT NULL,
    source_updated_at timestamptz,
    received_at       timestamptz NOT NULL,
    version           integer NOT NULL DEFAULT 1,
    UNIQUE (source, feed, record_id)
);
CREATE INDEX records_by_uscc ON records (uscc, kind);

-- Every version ever received, append-only: the archive as it stood at any instant.
CREATE TABLE record_versions (
    record_pk         bigint NOT NULL,  -- records.id; no FK: the batch upsert writes both
    version           integer NOT NULL,
    uscc              text COLLATE "C" NOT NULL,
    payload           jsonb NOT NULL,
    content_hash      bytea NOT NULL,
    source_updated_at timestamptz,
    received_at       timestamptz NOT NULL,
    PRIMARY KEY (record_pk, version)
);
CREATE INDEX record_versions_by_uscc ON record_versions (uscc, received_at);

-- Search index over registration records, kept current by sync.
CREATE TABLE enterprises (
    uscc            text COLLATE "C" PRIMARY KEY,
    name            text NOT NULL,
    former_names    text[] NOT NULL DEFAULT '{}',
    status          text NOT NULL,
    division        text COLLATE "C" NOT NULL,
    industry        text,
    key_areas       text[] NOT NULL DEFAULT '{}',
    name_grams      text[] NOT NULL,  -- see gateway/archive/grams.py
    registration_pk bigint NOT NULL  -- records.id of the registration
);
-- A large pending list lets sync append grams cheaply; merging happens in bulk.
CREATE INDEX enterprises_by_grams ON enterprises USING gin (name_grams)
    WITH (gin_pending_list_limit = 65536);
CREATE INDEX enterprises_by_division ON enterprises (division, uscc);
CREATE INDEX enterprises_by_key_area ON enterprises USING gin (key_areas);
CREATE INDEX enterprises_by_status ON enterprises (status, uscc);

-- Key-area tags (分类标注): derived from licences and industry codes, or set by hand.
CREATE TABLE key_area_tags (
    uscc     text COLLATE "C" NOT NULL,
    key_area text NOT NULL,
    origin   text NOT NULL,          -- 'license:<record id>', 'industry' or 'manual'
    reason   text NOT NULL,
    since    timestamptz NOT NULL,
    PRIMARY KEY (uscc, key_area, origin)
);

CREATE TABLE key_area_tag_changes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc       text COLLATE "C" NOT NULL,
    key_area   text NOT NULL,
    origin     text NOT NULL,
    change     text NOT NULL CHECK (change IN ('ADDED', 'REMOVED')),
    reason     text NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX key_area_tag_changes_by_uscc ON key_area_tag_changes (uscc, changed_at);

-- Source rows that could not be mapped, with why and where they were.
CREATE TABLE quarantine (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text NOT NULL,
    feed        text NOT NULL,
    position    text NOT NULL,
    reason      text NOT NULL,
    raw         jsonb NOT NULL,
    raw_hash    bytea NOT NULL,
    received_at timestamptz NOT NULL,
    UNIQUE (source, feed, position, raw_hash)
);

-- When one enterprise's data was last fetched on demand from one source.
CREATE TABLE source_refreshes (
    uscc       text COLLATE "C" NOT NULL,
    source     text NOT NULL,
    fetched_at timestamptz NOT NULL,
    PRIMARY KEY (uscc, source)
);
