using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The words the schema's CHECK constraints allow, for the enums stored as text (see Migrations/0001_initial_schema.sql).
/// Severities are stored as their number (1–4). Every store and <c>storage copy</c> map values through here.
/// </summary>
public static class PostgresValues
{
    public static string Text(IncidentStatus status) => status switch
    {
        IncidentStatus.Triggered => "triggered",
        IncidentStatus.Acknowledged => "acknowledged",
        IncidentStatus.Mitigated => "mitigated",
        IncidentStatus.Resolved => "resolved",
        IncidentStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static IncidentStatus ToIncidentStatus(string text) => text switch
    {
        "triggered" => IncidentStatus.Triggered,
        "acknowledged" => IncidentStatus.Acknowledged,
        "mitigated" => IncidentStatus.Mitigated,
        "resolved" => IncidentStatus.Resolved,
        "closed" => IncidentStatus.Closed,
        _ => throw new FormatException($"unknown incident status '{text}'"),
    };

    public static string Text(AlertStatus status) => status == AlertStatus.Firing ? "firing" : "resolved";

    public static AlertStatus ToAlertStatus(string text) => text switch
    {
        "firing" => AlertStatus.Firing,
        "resolved" => AlertStatus.Resolved,
        _ => throw new FormatException($"unknown alert status '{text}'"),
    };

    public static string Text(OutboxItemKind kind) => kind == OutboxItemKind.OpenChannel ? "open-channel" : "post";

    public static OutboxItemKind ToOutboxItemKind(string text) => text switch
    {
        "open-channel" => OutboxItemKind.OpenChannel,
        "post" => OutboxItemKind.Post,
        _ => throw new FormatException($"unknown outbox item kind '{text}'"),
    };

    public static string Text(OutboxItemState state) => state switch
    {
        OutboxItemState.Pending => "pending",
        OutboxItemState.Delivered => "delivered",
        OutboxItemState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static OutboxItemState ToOutboxItemState(string text) => text switch
    {
        "pending" => OutboxItemState.Pending,
        "delivered" => OutboxItemState.Delivered,
        "failed" => OutboxItemState.Failed,
        _ => throw new FormatException($"unknown outbox item state '{text}'"),
    };
}
