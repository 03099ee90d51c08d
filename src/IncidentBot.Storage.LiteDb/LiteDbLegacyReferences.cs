using System.Globalization;
using System.Text.Json.Nodes;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Schema 3 → 4: the adapters' references become typed records. Up to schema 3 each was a string under a string key
/// (<c>slack:channel:42</c> → <c>C123 inc-42-db</c>); this rewrites each into the record the adapter now reads
/// (SlackReferences, TeamsReferences): platform, kind, key, the incident it belongs to, and the value as JSON. The
/// old layouts are history and never change, so they are listed here once. Running it twice changes nothing.
/// </summary>
internal static class LiteDbLegacyReferences
{
    /// <summary>An old key's prefix, the new platform and kind, and how its string value becomes the record's JSON.</summary>
    private sealed record Layout(string Prefix, string Platform, string Kind, Func<string, JsonObject?> Value, Incident Incident);

    /// <summary>Where the incident a reference belongs to comes from.</summary>
    private enum Incident
    {
        None,
        // The key is the incident number.
        Key,
        // The value is the incident number.
        Value,
        // The key is a Slack channel id (or starts with one and a ':'), whose incident slack:incident-of: names.
        SlackChannel,
    }

    // A prefix ending in ':' is followed by the key; the others are whole keys of facts about the installation.
    private static readonly Layout[] Layouts =
    [
        new("slack:channel:", "slack", "channel", IdAndName, Incident.Key),
        new("slack:incident-of:", "slack", "incident-of", v => Number(v) is { } n ? new() { ["incidentNumber"] = n } : null, Incident.Value),
        new("slack:topic:", "slack", "topic", v => new() { ["text"] = v }, Incident.SlackChannel),
        new("slack:bookmarked:", "slack", "bookmarked", v => new() { ["channelId"] = v }, Incident.Key),
        new("slack:announced:", "slack", "announced", v => new() { ["channelId"] = v }, Incident.Key),
        new("slack:pinned:", "slack", "pinned", v => new() { ["ts"] = v }, Incident.SlackChannel),
        new("slack:ts:", "slack", "update-message", v => new() { ["ts"] = v }, Incident.SlackChannel),
        new("teams:serviceUrl:conversation:", "teams", "conversation-service-url", v => new() { ["url"] = v }, Incident.None),
        new("teams:serviceUrl:tenant:", "teams", "tenant-service-url", v => new() { ["url"] = v }, Incident.None),
        new("teams:serviceUrl", "teams", "service-url", v => new() { ["url"] = v }, Incident.None),
        new("teams:installedTeam", "teams", "installed-team", v => new() { ["groupId"] = v }, Incident.None),
        new("teams:tenant", "teams", "tenant", v => new() { ["id"] = v }, Incident.None),
        new("teams:incident-of:", "teams", "incident-of", v => Number(v) is { } n ? new() { ["incidentNumber"] = n } : null, Incident.Value),
        new("teams:channel:", "teams", "channel", IdAndName, Incident.Key),
        new("teams:thread:", "teams", "thread", v => new() { ["conversationId"] = v }, Incident.Key),
        // Teams conversation ids contain ':', so the conversation cannot be told from the update key: no incident.
        new("teams:activity:", "teams", "update-activity", v => new() { ["id"] = v }, Incident.None),
    ];

    public static void Run(LiteDatabase db, ILogger logger)
    {
        var references = db.GetCollection(LiteDbStorage.ReferencesCollection);
        // Documents already rewritten have a platform; those left are the old layout.
        var legacy = references.FindAll().Where(d => !d.ContainsKey("platform")).ToList();
        if (legacy.Count == 0)
        {
            return;
        }
        var slackChannels = legacy
            .Where(d => d["_id"].AsString.StartsWith("slack:incident-of:", StringComparison.Ordinal) && Number(d["value"].AsString) is not null)
            .ToDictionary(d => d["_id"].AsString["slack:incident-of:".Length..], d => Number(d["value"].AsString)!.Value, StringComparer.Ordinal);

        List<string> dropped = [];
        // One transaction: a crash part-way leaves every reference as it was, and the step runs again.
        db.BeginTrans();
        foreach (var document in legacy)
        {
            var id = document["_id"].AsString;
            references.Delete(id);
            if (Rewrite(id, document["value"].IsString ? document["value"].AsString : null, slackChannels) is { } rewritten)
            {
                if (document["at"].IsInt64)
                {
                    rewritten["at"] = document["at"];
                }
                references.Upsert(rewritten);
            }
            else
            {
                dropped.Add(id);
            }
        }
        db.Commit();
        logger.LogInformation("Rewrote {Count} platform reference(s) as typed records", legacy.Count - dropped.Count);
        if (dropped.Count > 0)
        {
            logger.LogWarning("Dropped {Count} platform reference(s) that no adapter reads: {Keys}", dropped.Count, string.Join(", ", dropped.Take(20)));
        }
    }

    private static BsonDocument? Rewrite(string id, string? value, Dictionary<string, int> slackChannels)
    {
        var layout = Layouts.FirstOrDefault(l => l.Prefix.EndsWith(':') ? id.StartsWith(l.Prefix, StringComparison.Ordinal) : id == l.Prefix);
        if (layout is null || value is null || layout.Value(value) is not { } json)
        {
            return null;
        }
        var key = layout.Prefix.EndsWith(':') ? id[layout.Prefix.Length..] : "";
        if (key.Length > PlatformReference.MaxKeyLength)
        {
            return null;
        }
        int? incident = layout.Incident switch
        {
            Incident.Key => Number(key),
            Incident.Value => Number(value),
            Incident.SlackChannel => slackChannels.TryGetValue(key.Split(':', 2)[0], out var number) ? number : null,
            _ => null,
        };
        return LiteDbStorage.ReferenceDocument(layout.Platform, layout.Kind, key, incident, json.ToJsonString());
    }

    private static JsonObject? IdAndName(string value) =>
        value.Split(' ', 2) is [var id, var name] ? new() { ["id"] = id, ["name"] = name } : null;

    private static int? Number(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
