-- Issue 19 (the alert's own words): an alert keeps its annotations (summary, description, runbook_url, dashboard, …)
-- so the incident's opening message and the console's alert list can show them. Alerts stored before have none;
-- a version without this column (a rolling update) writes none.
ALTER TABLE alerts ADD COLUMN annotations jsonb NOT NULL DEFAULT '{}';
