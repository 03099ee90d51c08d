-- The on-call escalation sweep (every replica, every 10 s) reads only the open incidents whose on-call ask waits for
-- an answer, through this small partial index, instead of every open incident whole (thousands in an alert storm).
-- The predicate is PostgresIncidentStore.OnCallWaiting word for word. An index only: a version without it (a rolling
-- update) reads and writes as before.
CREATE INDEX incidents_on_call_waiting ON incidents (number)
    WHERE is_open AND on_call IS NOT NULL AND (on_call->>'handle') IS NOT NULL AND (on_call->>'acceptedAt') IS NULL
      AND NOT coalesce((on_call->>'exhausted')::boolean, false);
