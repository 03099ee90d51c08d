using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Storage;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>Incidents, alerts and outbox items the contract suites store, and the commits that store them.</summary>
internal static class StoreData
{
    /// <summary>A time PostgreSQL keeps exactly (whole microseconds, UTC).</summary>
    public static readonly DateTimeOffset At = new(2026, 11, 26, 3, 14, 15, TimeSpan.Zero);

    public static Incident Incident(int number, string? groupKey = null, IncidentStatus status = IncidentStatus.Triggered) =>
        new() { Number = number, Title = $"Incident {number}", GroupKey = groupKey, Status = status, CreatedAt = At.AddMinutes(number) };

    /// <summary>Stores incidents as an operation that opened them would.</summary>
    public static async Task OpenAsync(this IIncidentStore store, params Incident[] incidents)
    {
        var changes = new IncidentChanges();
        foreach (var incident in incidents)
        {
            changes.Incidents[incident.Number] = incident;
            changes.NewIncidents.Add(incident.Number);
        }
        await store.CommitAsync(changes);
    }

    /// <summary>Opens incidents with the store's next numbers.</summary>
    public static async Task<List<Incident>> OpenNewAsync(this IIncidentStore store, int count, Func<int, Incident>? make = null)
    {
        List<Incident> opened = [];
        for (var i = 0; i < count; i++)
        {
            opened.Add((make ?? (n => Incident(n)))(await store.NextNumberAsync()));
        }
        await store.OpenAsync([.. opened]);
        return opened;
    }

    /// <summary>Commits the incident as changed (it must be at the version it was read at).</summary>
    public static ValueTask UpdateAsync(this IIncidentStore store, Incident incident)
    {
        var changes = new IncidentChanges();
        changes.Incidents[incident.Number] = incident;
        return store.CommitAsync(changes);
    }

    public static IncidentAlert Alert(int incident, string fingerprint, string raw = "", DateTimeOffset? firstSeen = null) => new()
    {
        Id = IncidentAlert.IdFor(incident, "alertmanager", fingerprint),
        IncidentNumber = incident,
        Source = "alertmanager",
        Fingerprint = fingerprint,
        Status = AlertStatus.Firing,
        Severity = "critical",
        Title = $"Alert {fingerprint}",
        FirstSeenAt = firstSeen ?? At,
        Raw = raw,
    };

    public static InboxEntry Entry(string fingerprint, string raw = "") => new()
    {
        ReceivedAt = At,
        Alert = new Alert { Source = "generic", Fingerprint = fingerprint, GroupKey = "g", Status = AlertStatus.Firing, Title = fingerprint, Raw = raw },
    };

    public static OutboxItem Item(int incident, DateTimeOffset now, string platform = "slack") =>
        new() { Platform = platform, IncidentNumber = incident, Kind = OutboxItemKind.Post, MessageJson = """{"text":"update"}""", CreatedAt = now, NextAttemptAt = now };

    /// <summary>Queues outbox items (their incidents must be stored) and returns them with their ids.</summary>
    public static async Task<List<OutboxItem>> QueueAsync(this IIncidentStore store, params OutboxItem[] items)
    {
        var changes = new IncidentChanges();
        changes.Outbox.AddRange(items);
        await store.CommitAsync(changes);
        return [.. items];
    }

    /// <summary>Raw payloads of every kind a source may send, and some it should not.</summary>
    public static TheoryData<string, string> RawPayloads()
    {
        var fixture = System.Text.Json.JsonDocument.Parse(Infrastructure.Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));
        var data = new TheoryData<string, string>
        {
            { "a real Alertmanager notification", fixture.RootElement.GetRawText() },
            { "one alert of it, as the normaliser keeps it", fixture.RootElement.GetProperty("alerts")[0].GetRawText() },
            { "nothing", "" },
            { "not JSON", "this is <b>not</b> JSON {" },
            { "truncated JSON", """{"labels": {"alertname": "Disk""" },
            { "a JSON string", "\"just a string\"" },
            { "a JSON number", "42" },
            { "an escaped NUL, which jsonb refuses", """{"text": "a\u0000b"}""" },
            { "a number beyond numeric", """{"n": 1e999999}""" },
            { "a lone surrogate escape", """{"s": "\ud800"}""" },
            { "two JSON values", """{} {}""" },
            { "whitespace only", "   " },
            { "unicode and escapes", """{"émoji": "🔥", "quote": "\"", "tab": "\t", "slash": "\/"}""" },
            { "deep nesting", new string('[', 200) + new string(']', 200) },
        };
        return data;
    }
}
