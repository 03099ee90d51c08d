-- IncidentBot's first PostgreSQL schema: the data the LiteDB store keeps today, as tables.
-- Shipped scripts are never edited; a change is a new script that the release before it can still run beside
-- (add columns and tables, never drop or rename one in the same release that stops using it). See docs/storage.md.

-- Incident numbers are assigned by the store, inside the commit that creates the incident. A rolled-back commit
-- leaves a gap; numbers are never reused.
CREATE SEQUENCE incident_number_seq AS integer START WITH 1;

CREATE TABLE incidents (
    number              integer     PRIMARY KEY DEFAULT nextval('incident_number_seq'),
    -- Optimistic concurrency: every update sets version = version + 1 WHERE version = the version read, and a
    -- writer that changes no row lost the race and retries with the fresh incident.
    version             integer     NOT NULL DEFAULT 1,
    title               text        NOT NULL,
    severity            smallint    NOT NULL CHECK (severity BETWEEN 1 AND 4),
    status              text        NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'mitigated', 'resolved', 'closed')),
    is_open             boolean     NOT NULL GENERATED ALWAYS AS (status IN ('triggered', 'acknowledged', 'mitigated')) STORED,
    is_drill            boolean     NOT NULL DEFAULT false,
    service             text,
    -- Alerts with this key attach to the incident while it is open; null for declared incidents.
    group_key           text,
    created_at          timestamptz NOT NULL,
    acknowledged_at     timestamptz,
    mitigated_at        timestamptz,
    resolved_at         timestamptz,
    closed_at           timestamptz,
    last_update_at      timestamptz,
    last_reminder_at    timestamptz,
    alert_count         integer     NOT NULL DEFAULT 0,
    firing_alert_count  integer     NOT NULL DEFAULT 0,
    resolution_summary  text,
    -- For drills: the only people chat platforms invite.
    participants        text[]      NOT NULL DEFAULT '{}'
);
ALTER SEQUENCE incident_number_seq OWNED BY incidents.number;

-- One open incident per alert group: a second writer opening one for the same key fails instead of splitting it.
CREATE UNIQUE INDEX incidents_one_open_per_group_key ON incidents (group_key) WHERE is_open AND group_key IS NOT NULL;
-- The open-incidents list, newest first. The other lists walk the primary key backwards: most incidents are closed.
CREATE INDEX incidents_open_newest_first ON incidents (number DESC) WHERE is_open;

-- Role id -> the user who holds it.
CREATE TABLE incident_roles (
    incident_number integer NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    role            text    NOT NULL,
    user_id         text    NOT NULL,
    PRIMARY KEY (incident_number, role)
);

-- Where an incident is discussed on each chat platform.
CREATE TABLE incident_channels (
    incident_number integer NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    platform        text    NOT NULL,
    channel_id      text    NOT NULL,
    name            text    NOT NULL,
    PRIMARY KEY (incident_number, platform, channel_id)
);
-- A message arriving in a channel finds its incident.
CREATE INDEX incident_channels_by_channel ON incident_channels (platform, channel_id);

-- Runbook texts that sessions started with, kept so an edited file never changes a running session.
CREATE TABLE runbook_versions (
    version    text PRIMARY KEY,
    runbook_id text NOT NULL,
    file       text NOT NULL,
    markdown   text NOT NULL
);

-- One walk through one runbook inside one incident. The steps (with their notes and checklists) are only ever read
-- and written with their session, so they are one jsonb value.
CREATE TABLE runbook_sessions (
    incident_number integer     NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    ordinal         integer     NOT NULL,
    runbook_id      text        NOT NULL,
    title           text        NOT NULL,
    version         text        NOT NULL,
    started_at      timestamptz NOT NULL,
    started_by      text        NOT NULL,
    current_index   integer     NOT NULL,
    completed_at    timestamptz,
    steps           jsonb       NOT NULL,
    PRIMARY KEY (incident_number, ordinal)
);

-- An alert as it stands inside one incident. raw is the latest JSON its source sent (null when it sent none).
CREATE TABLE alerts (
    id              text        PRIMARY KEY,
    incident_number integer     NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    source          text        NOT NULL,
    fingerprint     text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('firing', 'resolved')),
    severity        text,
    title           text        NOT NULL,
    description     text,
    labels          jsonb       NOT NULL DEFAULT '{}',
    links           jsonb       NOT NULL DEFAULT '[]',
    starts_at       timestamptz,
    ends_at         timestamptz,
    first_seen_at   timestamptz NOT NULL,
    resolved_at     timestamptz,
    raw             jsonb,
    UNIQUE (incident_number, source, fingerprint)
);
-- An incident's alerts in the order they were first seen.
CREATE INDEX alerts_by_incident ON alerts (incident_number, first_seen_at);

-- What happened in an incident; only ever appended.
CREATE TABLE timeline (
    id              bigint      PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    incident_number integer     NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    at              timestamptz NOT NULL,
    actor           text        NOT NULL,
    kind            text        NOT NULL,
    text            text        NOT NULL
);
CREATE INDEX timeline_by_incident ON timeline (incident_number, id);

-- Accepted alerts waiting to be correlated, written before the sender gets its 202. A processor leases entries
-- (SELECT ... FOR UPDATE SKIP LOCKED, then sets leased_by and lease_until); another replica may take an entry once
-- its lease has run out. Processed entries are deleted in the commit that used them.
CREATE TABLE inbox (
    id            bigint      PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    received_at   timestamptz NOT NULL,
    -- The normalised alert, without its raw payload.
    alert         jsonb       NOT NULL,
    raw           jsonb,
    leased_by     text,
    lease_until   timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text,
    -- Set after too many failed attempts: kept for an operator, never retried by itself.
    dead_lettered boolean     NOT NULL DEFAULT false
);
-- The next claimable entries, oldest first; dead letters are left out of the index.
CREATE INDEX inbox_claimable ON inbox (id) WHERE NOT dead_lettered;

-- Chat work waiting for delivery. Items of one conversation (platform and incident) are delivered strictly in
-- order: only a conversation's first pending item decides whether it is due. A dispatcher claims items
-- (claimed_by, claim_until); another replica may take them once the claim has run out.
CREATE TABLE outbox (
    id               bigint      PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    platform         text        NOT NULL,
    incident_number  integer     REFERENCES incidents (number) ON DELETE CASCADE,
    conversation_key text        NOT NULL GENERATED ALWAYS AS (platform || '/' || coalesce(incident_number::text, '-')) STORED,
    kind             text        NOT NULL CHECK (kind IN ('open-channel', 'post')),
    message          jsonb,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    claimed_by       text,
    claim_until      timestamptz,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    completed_at     timestamptz
);
-- Each conversation's pending items in order; delivered and failed items (the history) are left out of the index.
CREATE INDEX outbox_pending_by_conversation ON outbox (conversation_key, id) WHERE state = 'pending';

-- Small facts chat adapters remember across restarts (an incident's channel, the message an update edits in place,
-- a Teams conversation's service URL): per platform, one kind of fact per record type the adapter declares
-- (SlackReferences, TeamsReferences), the record as jsonb. A fact that belongs to an incident goes with it.
CREATE TABLE platform_references (
    platform        text        NOT NULL,
    kind            text        NOT NULL,
    key             text        NOT NULL CHECK (length(key) <= 256),
    incident_number integer     REFERENCES incidents (number) ON DELETE CASCADE,
    value           jsonb       NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, kind, key)
);
-- An incident's references (and what deleting an incident removes with it).
CREATE INDEX platform_references_by_incident ON platform_references (incident_number) WHERE incident_number IS NOT NULL;

-- Inbound deliveries already acted on (Slack request signatures and event ids, Teams activity ids), each until a
-- repeat of it could no longer verify. Recording one is INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE the row has
-- expired, so of any number of concurrent callers exactly one gets a row back; expired rows are pruned by expires_at.
CREATE TABLE dedupe_keys (
    key        text        PRIMARY KEY CHECK (length(key) <= 512),
    expires_at timestamptz NOT NULL
);
CREATE INDEX dedupe_keys_by_expiry ON dedupe_keys (expires_at);

-- The built-in web chat: what the bot and people said in each incident's room, in order.
CREATE TABLE room_messages (
    id              bigint      PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    incident_number integer     NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    at              timestamptz NOT NULL,
    author          text        NOT NULL,
    -- What a person typed, or the bot's message as JSON: exactly one of the two. The message is json, not jsonb:
    -- jsonb reorders keys (shortest first), which puts a block's "text" before its "type" discriminator, and
    -- System.Text.Json reads a polymorphic block only when "type" comes first. json keeps the text as written.
    text            text,
    message         json,
    CHECK ((text IS NULL) <> (message IS NULL))
);
CREATE INDEX room_messages_by_incident ON room_messages (incident_number, id);

-- Post-incident reviews (RCAs): every version kept, the highest one current. A save locks its reviews row, reads the
-- current version and inserts the next one, so saves of one review take turns; two people saving on top of the same
-- version would insert the same (incident_number, version), and the primary key lets at most one of them win. The bot
-- writes a review only for an incident it has stored.
CREATE TABLE reviews (
    incident_number integer PRIMARY KEY REFERENCES incidents (number) ON DELETE CASCADE,
    completed_at    timestamptz,
    completed_by    text
);
CREATE TABLE review_versions (
    incident_number integer     NOT NULL REFERENCES reviews (incident_number) ON DELETE CASCADE,
    version         integer     NOT NULL CHECK (version >= 1),
    markdown        text        NOT NULL,
    author          text        NOT NULL,
    saved_at        timestamptz NOT NULL,
    PRIMARY KEY (incident_number, version)
);

-- Recurring drills and the runs they produced. Schedule ids are short and typeable (d1, d2, ...): the number comes
-- from drill_schedule_number_seq, so two people scheduling at once never get the same id. The store skips a number
-- whose id is taken (schedules copied from a LiteDB file), so the sequence never has to be set by hand.
CREATE SEQUENCE drill_schedule_number_seq AS integer START WITH 1;
CREATE TABLE drill_schedules (
    id           text        PRIMARY KEY,
    runbook_id   text        NOT NULL,
    cron         text        NOT NULL,
    time_zone    text        NOT NULL,
    severity     smallint    NOT NULL CHECK (severity BETWEEN 1 AND 4),
    participants text[]      NOT NULL DEFAULT '{}',
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    cancelled_at timestamptz,
    last_fire_at timestamptz
);
CREATE TABLE drill_runs (
    id              bigint      PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    -- Null for ad-hoc drills.
    schedule_id     text        REFERENCES drill_schedules (id),
    runbook_id      text        NOT NULL,
    incident_number integer     REFERENCES incidents (number) ON DELETE SET NULL,
    scheduled_for   timestamptz NOT NULL,
    started_at      timestamptz,
    missed          boolean     NOT NULL DEFAULT false,
    -- The figures (time to acknowledge, per-step durations), read and written whole.
    report          jsonb
);
CREATE INDEX drill_runs_by_schedule ON drill_runs (schedule_id, scheduled_for DESC);
CREATE UNIQUE INDEX drill_runs_by_incident ON drill_runs (incident_number) WHERE incident_number IS NOT NULL;

-- The health probe (/readyz) writes and reads back this one row.
CREATE TABLE probe (
    id integer     PRIMARY KEY CHECK (id = 1),
    at timestamptz NOT NULL
);
