-- Issue 21 (the on-call commander): an incident keeps its on-call ask (who was asked to command, at which level,
-- when, whether they accepted, and who else is on call) as one JSON value, so a restart or another replica knows it
-- and never asks twice. Incidents stored before have none; a version without this column (a rolling update) leaves
-- it as it is, because it updates only the columns it knows.
ALTER TABLE incidents ADD COLUMN on_call jsonb;
