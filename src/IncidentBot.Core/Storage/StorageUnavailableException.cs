namespace IncidentBot.Storage;

/// <summary>
/// The store cannot be reached or written right now (server down or restarting, connection refused, disk full,
/// read-only): nothing of the operation was stored, and the same operation may succeed later without any change.
/// Webhook senders are told to retry (503 with Retry-After), API callers get 503, readiness fails, and the alert
/// processor waits instead of counting the failure against an alert. Each provider decides which of its own
/// failures mean this (for PostgreSQL: IncidentBot.Storage.Postgres.PostgresFailures); the message says why and
/// never carries a connection string or a password.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
