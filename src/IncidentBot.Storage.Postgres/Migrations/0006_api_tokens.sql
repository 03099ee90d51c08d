-- Issue 20 (who you are is proven): API tokens for automation. Only the SHA-256 of a token is kept, never the token.
-- A revoked token keeps its row (and its name) so the timeline's token:<name> always means one token.
CREATE TABLE api_tokens (
    name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    role text NOT NULL CHECK (role IN ('viewer', 'responder', 'lead')),
    token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
);
