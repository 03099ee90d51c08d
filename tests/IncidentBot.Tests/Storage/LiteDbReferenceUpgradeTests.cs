using System.Net;
using IncidentBot.Slack;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Teams;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IncidentBot.Tests.Storage;

/// <summary>
/// Data files written before references were typed records (schema 3 and older, string values under ad-hoc keys)
/// still lead the adapters to what they remembered after the upgrade.
/// </summary>
public sealed class LiteDbReferenceUpgradeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-references-").FullName;

    private string DataFile => Path.Combine(_folder, "incidentbot.db");

    /// <summary>Every key layout the previous version wrote, with a value as it wrote it.</summary>
    private static readonly (string Key, string Value)[] PreviousVersion =
    [
        ("slack:channel:42", "C0DB inc-42-orders-db-down"),
        ("slack:incident-of:C0DB", "42"),
        ("slack:topic:C0DB", "SEV1 · triggered · IC: @alice · Orders DB down"),
        ("slack:bookmarked:42", "C0DB"),
        ("slack:announced:42", "C0DB"),
        ("slack:pinned:C0DB", "1700000000.000100"),
        ("slack:ts:C0DB:INC-42/runbook/db-failover/638700000000000000", "1700000000.000200"),
        ("slack:ts:C0ELSEWHERE:INC-9/runbook/r/1", "1700000000.000300"),
        ("teams:installedTeam", "0d3b5a7c-group"),
        ("teams:tenant", "72f988bf-tenant"),
        ("teams:serviceUrl", "https://smba.trafficmanager.net/amer/"),
        ("teams:serviceUrl:conversation:19:abc@thread.tacv2;messageid=1700000000000", "https://smba.trafficmanager.net/emea/"),
        ("teams:serviceUrl:tenant:72f988bf-tenant", "https://smba.trafficmanager.net/apac/"),
        ("teams:incident-of:19:abc@thread.tacv2;messageid=1700000000000", "42"),
        ("teams:thread:42", "19:abc@thread.tacv2;messageid=1700000000000"),
        ("teams:channel:42", "19:abc@thread.tacv2 INC-42 orders db down"),
        ("teams:activity:19:abc@thread.tacv2;messageid=1700000000000:INC-42/runbook/db-failover/1", "1700000000001"),
    ];

    [Fact]
    public void AFileWrittenByThePreviousVersionKeepsEveryReferenceAsTheAdaptersTypedRecord()
    {
        WritePreviousVersion(3, PreviousVersion.Concat([("slack:channel:43", "no-space-so-no-name"), ("teams:incident-of:19:x", "not a number"), ("someone:else", "v")]));
        var logger = new FakeLogger<LiteDbStorage>();

        using (var store = new LiteDbStorage(DataFile, logger))
        {
            Assert.Equal(new SlackIncidentChannel("C0DB", "inc-42-orders-db-down"), store.FindReference(SlackReferences.Channel, "42"));
            Assert.Equal(new SlackChannelIncident(42), store.FindReference(SlackReferences.IncidentOfChannel, "C0DB"));
            Assert.Equal(new SlackTopicText("SEV1 · triggered · IC: @alice · Orders DB down"), store.FindReference(SlackReferences.Topic, "C0DB"));
            Assert.Equal(new SlackIncidentStep("C0DB"), store.FindReference(SlackReferences.Bookmarked, "42"));
            Assert.Equal(new SlackIncidentStep("C0DB"), store.FindReference(SlackReferences.Announced, "42"));
            Assert.Equal(new SlackMessageRef("1700000000.000100"), store.FindReference(SlackReferences.Pinned, "C0DB"));
            Assert.Equal(new SlackMessageRef("1700000000.000200"),
                store.FindReference(SlackReferences.UpdateMessage, SlackReferences.UpdateMessageKey("C0DB", "INC-42/runbook/db-failover/638700000000000000")));
            Assert.Equal(new TeamsTeam("0d3b5a7c-group"), store.FindReference(TeamsReferences.InstalledTeam, TeamsReferences.Installation));
            Assert.Equal(new TeamsTenant("72f988bf-tenant"), store.FindReference(TeamsReferences.Tenant, TeamsReferences.Installation));
            Assert.Equal(new TeamsServiceUrl("https://smba.trafficmanager.net/amer/"), store.FindReference(TeamsReferences.LegacyServiceUrl, TeamsReferences.Installation));
            Assert.Equal(new TeamsServiceUrl("https://smba.trafficmanager.net/emea/"),
                store.FindReference(TeamsReferences.ConversationServiceUrl, "19:abc@thread.tacv2;messageid=1700000000000"));
            Assert.Equal(new TeamsServiceUrl("https://smba.trafficmanager.net/apac/"), store.FindReference(TeamsReferences.TenantServiceUrl, "72f988bf-tenant"));
            Assert.Equal(new TeamsConversationIncident(42), store.FindReference(TeamsReferences.IncidentOfConversation, "19:abc@thread.tacv2;messageid=1700000000000"));
            Assert.Equal(new TeamsThread("19:abc@thread.tacv2;messageid=1700000000000"), store.FindReference(TeamsReferences.Thread, "42"));
            Assert.Equal(new TeamsIncidentChannel("19:abc@thread.tacv2", "INC-42 orders db down"), store.FindReference(TeamsReferences.Channel, "42"));
            Assert.Equal(new TeamsActivity("1700000000001"),
                store.FindReference(TeamsReferences.UpdateActivity, TeamsReferences.UpdateActivityKey("19:abc@thread.tacv2;messageid=1700000000000", "INC-42/runbook/db-failover/1")));
            Assert.Null(store.FindReference(SlackReferences.Channel, "43"));
        }

        var documents = References();
        Assert.Equal(PreviousVersion.Length, documents.Count);
        Assert.All(documents, d => Assert.True(d.ContainsKey("platform"), d["_id"].AsString));
        // Where the old key or value named the incident, the record belongs to it.
        Assert.Equal(
            ["slack:announced:42", "slack:bookmarked:42", "slack:channel:42", "slack:incident-of:C0DB", "slack:pinned:C0DB", "slack:topic:C0DB",
             "slack:update-message:C0DB:INC-42/runbook/db-failover/638700000000000000", "teams:channel:42",
             "teams:incident-of:19:abc@thread.tacv2;messageid=1700000000000", "teams:thread:42"],
            documents.Where(d => d.ContainsKey("incident")).Select(d => d["_id"].AsString).Order(StringComparer.Ordinal));
        Assert.All(documents.Where(d => d.ContainsKey("incident")), d => Assert.Equal(42, d["incident"].AsInt32));
        var dropped = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("Dropped 3 platform reference(s)", dropped.Message);
        Assert.Contains("someone:else", dropped.Message);

        // Opening the upgraded file again changes nothing.
        var before = documents.Select(d => d.ToString()).ToList();
        using (new LiteDbStorage(DataFile, new FakeLogger<LiteDbStorage>()))
        {
        }
        Assert.Equal(before, References().Select(d => d.ToString()));
    }

    [Fact]
    public void UpgradingFromSchemaTwoDropsTheEventIdsKeptForeverAndKeepsEverythingElse()
    {
        WritePreviousVersion(2, [("slack:event:Ev1", "seen"), ("slack:event:Ev2", "seen"), ("teams:seen:1700000000000", "seen"),
            ("slack:channel:1", "C1 inc-1-db"), ("teams:thread:1", "19:t@thread.tacv2"), ("teams:serviceUrl", "https://smba.trafficmanager.net/amer/")]);

        using (var store = new LiteDbStorage(DataFile, new FakeLogger<LiteDbStorage>()))
        {
            Assert.Equal(new SlackIncidentChannel("C1", "inc-1-db"), store.FindReference(SlackReferences.Channel, "1"));
            Assert.Equal(new TeamsThread("19:t@thread.tacv2"), store.FindReference(TeamsReferences.Thread, "1"));
        }

        using var upgraded = new LiteDatabase(DataFile);
        Assert.Equal(LiteDbSchema.Current, upgraded.UserVersion);
        Assert.Equal(["slack:channel:1", "teams:service-url:", "teams:thread:1"],
            upgraded.GetCollection(LiteDbStorage.ReferencesCollection).FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal));
        using var indexes = upgraded.Execute($"SELECT $ FROM $indexes WHERE collection = '{LiteDbStorage.DeduplicationCollection}'");
        var names = new List<string>();
        while (indexes.Read())
        {
            names.Add(indexes.Current["name"].AsString);
        }
        Assert.Contains(LiteDbStorage.ExpiresAtField, names);
    }

    [Fact]
    public async Task AfterTheUpgradeSlackStillKnowsWhichIncidentAChannelIs()
    {
        string channel;
        await using (var before = await SlackHarness.StartAsync(dataFolder: _folder))
        {
            await before.App.CommandAsync(null, "alice", "declare Orders DB down sev2");
            await Eventually.TrueAsync(() => before.Slack.FindChannel("inc-1-orders-db-down") is not null, "the incident channel");
            channel = before.Slack.FindChannel("inc-1-orders-db-down")!.Id;
            await Eventually.TrueAsync(async () => (await before.App.GetIncidentAsync(1)).Channels.Any(c => c.Platform == "slack"), "the channel bound to INC-1");
        }
        // Put the references back the way the previous version wrote them.
        using (var db = new LiteDatabase(new ConnectionString { Filename = DataFile, Collation = LiteDbSchema.Collation }))
        {
            var references = db.GetCollection(LiteDbStorage.ReferencesCollection);
            var typed = references.FindAll().ToList();
            Assert.Contains(typed, d => d["_id"].AsString == $"slack:incident-of:{channel}");
            references.DeleteAll();
            foreach (var document in typed)
            {
                var value = System.Text.Json.Nodes.JsonNode.Parse(document["value"].AsString)!.AsObject();
                var old = document["kind"].AsString switch
                {
                    "channel" => $"{value["id"]} {value["name"]}",
                    "incident-of" => value["incidentNumber"]!.ToString(),
                    "topic" => (string)value["text"]!,
                    "pinned" or "update-message" => (string)value["ts"]!,
                    _ => (string)value["channelId"]!,
                };
                var kind = document["kind"].AsString == "update-message" ? "ts" : document["kind"].AsString;
                references.Insert(new BsonDocument { ["_id"] = $"slack:{kind}:{document["key"].AsString}", ["value"] = old, ["at"] = 0L });
            }
            db.UserVersion = 3;
        }

        await using var after = await SlackHarness.StartAsync(dataFolder: _folder);
        var (response, _) = await after.SlashCommandAsync(channel, "U0ALICE", "alice", "ack");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(async () => (await after.App.GetIncidentAsync(1)).Status == "acknowledged", "the ack in the incident's channel to reach INC-1");
    }

    private void WritePreviousVersion(int schema, IEnumerable<(string Key, string Value)> references)
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = DataFile, Collation = LiteDbSchema.Collation });
        var collection = db.GetCollection("platformReferences");
        foreach (var (key, value) in references)
        {
            collection.Insert(new BsonDocument { ["_id"] = key, ["value"] = value, ["at"] = 638_700_000_000_000_000L });
        }
        db.UserVersion = schema;
    }

    private List<BsonDocument> References()
    {
        using var db = new LiteDatabase(DataFile);
        return db.GetCollection(LiteDbStorage.ReferencesCollection).FindAll().OrderBy(d => d["_id"].AsString, StringComparer.Ordinal).ToList();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
