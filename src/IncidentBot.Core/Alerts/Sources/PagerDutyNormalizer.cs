using System.Text.Json;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// PagerDuty Webhooks V3: one <c>event</c> per delivery about one incident (<c>event.data.id</c>), which is both
/// the fingerprint and the group. Only incident state changes become alerts; every other event type
/// (<c>incident.annotated</c>, <c>pagey.ping</c>, …) is accepted and yields nothing.
/// Severity is mapped from <c>urgency</c>: <c>high</c> → <c>critical</c>, <c>low</c> → <c>warning</c>.
/// </summary>
public sealed class PagerDutyNormalizer : IAlertNormalizer
{
    public string Source => "pagerduty";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        RequireObject(body, "$");
        if (!body.TryGetProperty("event", out var @event) || @event.ValueKind == JsonValueKind.Null)
        {
            throw new AlertPayloadException("event", "'event' is required (a PagerDuty Webhooks V3 body).");
        }
        RequireObject(@event, "event");
        // Acknowledging (or un-acknowledging, or reopening) leaves the incident open; reporting it as firing
        // attaches to the incident we already track instead of resolving or duplicating it.
        AlertStatus? status = RequireString(@event, "event_type", "event.event_type") switch
        {
            "incident.triggered" or "incident.acknowledged" or "incident.unacknowledged" or "incident.reopened" => AlertStatus.Firing,
            "incident.resolved" => AlertStatus.Resolved,
            _ => null,
        };
        if (status is null)
        {
            return [];
        }

        var data = RequireObject(@event.TryGetProperty("data", out var d) ? d : default, "event.data");
        var id = RequireString(data, "id", "event.data.id");
        var occurredAt = OptionalTime(@event, "occurred_at", "event.occurred_at");

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        AddLabel(labels, "service", Summary(data, "service"));
        AddLabel(labels, "escalation_policy", Summary(data, "escalation_policy"));
        AddLabel(labels, "priority", Summary(data, "priority"));
        var urgency = OptionalString(data, "urgency", "event.data.urgency");
        AddLabel(labels, "urgency", urgency);

        var links = new List<AlertLink>();
        AddWebLink(links, "PagerDuty incident", OptionalString(data, "html_url", "event.data.html_url"));

        return
        [
            new Alert
            {
                Source = Source,
                Fingerprint = id,
                GroupKey = $"{Source}:{id}",
                Status = status.Value,
                Severity = urgency switch
                {
                    "high" => "critical",
                    "low" => "warning",
                    _ => null,
                },
                Title = OptionalString(data, "title", "event.data.title") ?? $"PagerDuty incident {id}",
                Labels = labels,
                Links = links,
                StartsAt = status == AlertStatus.Firing ? occurredAt : null,
                EndsAt = status == AlertStatus.Resolved ? occurredAt : null,
                Raw = @event.GetRawText(),
            },
        ];
    }

    /// <summary>PagerDuty references (service, escalation policy, priority) carry their display name in <c>summary</c>.</summary>
    private static string? Summary(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var reference) || reference.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return OptionalString(reference, "summary", $"event.data.{name}.summary");
    }
}
