using System.Text.Json;
using System.Text.Json.Serialization;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>What tests read back from the API: only the JSON contract, never the server's own types.</summary>
public sealed record IncidentView(
    int Number, string Title, string Severity, string Status, bool IsDrill, string? Service,
    DateTime CreatedAt, DateTime? AcknowledgedAt, DateTime? MitigatedAt, DateTime? ResolvedAt,
    int AlertCount, int FiringAlertCount, Dictionary<string, string> Roles, List<ChannelView> Channels,
    List<AlertView>? Alerts, List<TimelineView>? Timeline, List<SessionView>? RunbookSessions);

public sealed record SessionView(string RunbookId, string Title, string Version, string StartedBy, int? CurrentStep, DateTime? CompletedAt, List<SessionStepView> Steps);

public sealed record SessionStepView(int Number, string Title, string State, string? By, DateTime? CompletedAt, double? DurationSeconds, string? Note, List<ChecklistView> Checklist);

public sealed record ChecklistView(string Text, bool Checked, string? By);

public sealed record ChannelView(string Platform, string Id, string Name);

public sealed record AlertView(string Source, string Fingerprint, string Status, string? Severity, string Title, Dictionary<string, string> Labels);

public sealed record TimelineView(DateTime At, string Actor, string Kind, string Text);

public sealed record CommandResult(bool Ok, int? IncidentNumber, List<MessageView> Messages)
{
    public string AllText => string.Join("\n", Messages.Select(m => m.Text));
}

public sealed record MessageView(string Kind, string Audience, int? IncidentNumber, bool IsDrill, string Text, List<JsonElement> Blocks, string? UpdateKey = null);

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
