-- The web console's session keys (ASP.NET Core Data Protection), shared by every replica so a session cookie one
-- replica issued is accepted by any other. One row per element of the key ring: a key or a revocation, as the XML
-- Data Protection writes (the key material itself is in it; protect the database and its backups accordingly).
CREATE TABLE data_protection_keys (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Data Protection's name for the element: key-<guid> for a key, revocation-<…> for a revocation.
    friendly_name   text        NOT NULL UNIQUE,
    xml             text        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now()
);
