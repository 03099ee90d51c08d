-- Status-update reminders without a scheduler job per incident: each incident keeps when its next reminder is due
-- (written by the bot in every commit), and every replica's reminder sweep finds the due ones through this partial
-- index. A version without the column (a rolling update) leaves it as it is, because it updates only the columns it
-- knows; the newer version's sweep checks each reminder inside the incident's commit and stores the right time again.
ALTER TABLE incidents ADD COLUMN reminder_due_at timestamptz;
CREATE INDEX incidents_reminder_due ON incidents (reminder_due_at) WHERE is_open AND reminder_due_at IS NOT NULL;
