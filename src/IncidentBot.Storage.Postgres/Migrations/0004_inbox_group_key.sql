-- Issue 18 (several replicas): a resolve never overtakes its firing, even when two replicas' processors claim them.
-- Each inbox entry carries the alert group key it correlates into (IncidentOptions.GroupKeyFor at the moment it was
-- accepted), and an entry is claimable only while no older entry of its group key is held by a live lease. Entries
-- written by a version without this column (a rolling update) have no group key and are claimed as before.
ALTER TABLE inbox ADD COLUMN group_key text;

-- The claim's question "does an older entry of this group key hold a live lease?".
CREATE INDEX inbox_by_group_key ON inbox (group_key, id) WHERE NOT dead_lettered AND group_key IS NOT NULL;
