using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IncidentBot.Access;
using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Tests.Backups;

/// <summary>
/// A data file with a little of everything a real bot keeps, made by running the bot: alerts from five sources
/// (the published payloads in shared/fixtures), a declared incident with roles, room talk, a runbook walked with
/// a tick, a done and a skip, a resolution and an edited review, a drill schedule and a drill run. What a bot
/// only has after chat platforms misbehave (outbox items that failed or wait for a retry, an inbox entry still
/// waiting and one dead-lettered, adapter references, dedupe keys) is then added through the store's own methods.
/// </summary>
internal sealed record BusyDataFile(string Path, int Declared, int Drill, long PendingOutboxItem, long FailedOutboxItem, long DeliveredOutboxItem, long WaitingInboxEntry, long DeadLetter)
{
    /// <summary>The sources and the fixtures posted to them, one incident each.</summary>
    public static readonly (string Source, string Fixture)[] Payloads =
    [
        ("alertmanager", "alerts/alertmanager/firing-two-alerts.json"),
        ("grafana", "alerts/grafana/firing-two-alerts-docs.json"),
        ("pagerduty", "alerts/pagerduty/webhook-v3-incident-triggered.json"),
        ("opsgenie", "alerts/opsgenie/webhook-create.json"),
        ("azure-monitor", "alerts/azure-monitor/common-schema-metric-fired.json"),
    ];

    /// <summary>The secrets of two of the file's API tokens (only their hashes are stored), to use after a copy.</summary>
    public const string CiToken = "ibt_ci-token-of-the-busy-data-file";

    public const string RevokedToken = "ibt_revoked-token-of-the-busy-data-file";

    public const string UnparsableRaw = "{\"title\": \"cut off mid-way";

    public static async Task<BusyDataFile> CreateAsync(string folder)
    {
        int declared, drill;
        await using (var app = new IncidentBotApplication(new() { ["Drills:Leads:0"] = "lena" }, dataFolder: folder))
        {
            foreach (var (source, fixture) in Payloads)
            {
                var accepted = await app.PostRawAsync($"/webhooks/{source}", Fixtures.Read(fixture));
                Assert.True(accepted.IsSuccessStatusCode, $"{source}: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
            }
            // Matches the shipped database-failover runbook, which starts by itself.
            await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
            await app.WaitForProcessingAsync();

            declared = (await app.CommandAsync(null, "alice", "declare Checkout is down sev1")).IncidentNumber!.Value;
            var client = app.CreateClient();
            foreach (var text in new[]
            {
                "role commander @alice", "role comms @bob", "ack", "runbook start disk-filling-up", "check 1", "done", "skip not on this cluster",
                "note the volume was 97% full", "update writes are failing over to the replica", "mitigate failover done", "resolve disk expanded",
            })
            {
                var said = await client.PostAsJsonAsync($"/api/incidents/{declared}/room", new { user = "alice", text });
                Assert.True(said.IsSuccessStatusCode, $"{text}: {await said.Content.ReadAsStringAsync()}");
            }
            await EditReviewAsync(client, declared, "\n\n## What we learned\n\nWatch the volume growth, not only the level.\n");

            var schedule = await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 ? * TUE\" database-failover sev2");
            Assert.True(schedule.Ok, schedule.AllText);
            var run = await app.CommandAsync(null, "lena", "drill run queue-backlog");
            Assert.True(run.Ok, run.AllText);
            drill = run.IncidentNumber ?? (await app.ListIncidentsAsync()).Max(i => i.Number);
            await Eventually.TrueAsync(async () => await app.Services.GetRequiredService<IOutboxStore>().PendingCountAsync() == 0, "the console messages to be delivered");
        }

        var path = System.IO.Path.Combine(folder, "incidentbot.db");
        using var storage = new LiteDbStorage(path, NullLogger<LiteDbStorage>.Instance);
        var now = DateTimeOffset.UtcNow;
        var outbox = new IncidentChanges();
        outbox.Outbox.AddRange(new[] { "waits for a retry", "failed for good", "delivered late" }.Select(text => new OutboxItem
        {
            Platform = "slack",
            IncidentNumber = declared,
            Kind = OutboxItemKind.Post,
            MessageJson = JsonSerializer.Serialize(new { text }),
            CreatedAt = now,
            NextAttemptAt = now,
        }));
        storage.Commit(outbox);
        var (pending, failed, delivered) = (outbox.Outbox[0].Id, outbox.Outbox[1].Id, outbox.Outbox[2].Id);
        storage.Reschedule(pending, now.AddMinutes(5), "slack answered 429 ratelimited");
        storage.Reschedule(failed, now, "slack answered channel_not_found");
        storage.MarkFailed(failed, now, "slack answered channel_not_found");
        storage.Reschedule(delivered, now, "slack timed out");
        storage.MarkDelivered(delivered, now);

        List<InboxEntry> inbox =
        [
            new() { ReceivedAt = now, Alert = InboxAlert("inbox-waiting", Fixtures.Read("alerts/sentry/issue-created.json")) },
            new() { ReceivedAt = now, Alert = InboxAlert("inbox-dead", UnparsableRaw) },
            new() { ReceivedAt = now, Alert = InboxAlert("inbox-no-raw", "") },
        ];
        storage.Append(inbox);
        storage.RecordFailure(inbox[1].Id, "normaliser threw", deadLetter: true);

        storage.SaveReference(SlackChannel, declared.ToString(CultureInfo.InvariantCulture), new CopiedChannel("C0CHECKOUT", "inc-checkout"), declared);
        storage.SaveReference(TeamsThread, declared.ToString(CultureInfo.InvariantCulture), new CopiedThread("19:thread@thread.tacv2"), declared);
        storage.TryRecord(new DeduplicationKey("slack:event:Ev-still-fresh", now.AddHours(1)), now);
        storage.TryRecord(new DeduplicationKey("slack:event:Ev-long-gone", now.AddHours(-1)), now.AddHours(-2));
        // API tokens: one in use, one never used, one revoked after use.
        storage.TryAddApiToken(new ApiToken("ci", AccessRole.Responder, ApiTokens.Hash(CiToken), now.AddDays(-3), "alice"));
        storage.RecordApiTokenUse("ci", now.AddHours(-1));
        storage.TryAddApiToken(new ApiToken("grafana", AccessRole.Viewer, ApiTokens.Hash("ibt_grafana-token-of-the-busy-file"), now.AddDays(-2), "bob"));
        storage.TryAddApiToken(new ApiToken("old-deploy", AccessRole.Lead, ApiTokens.Hash(RevokedToken), now.AddDays(-30), "alice"));
        storage.RecordApiTokenUse("old-deploy", now.AddDays(-10));
        storage.RevokeApiToken("old-deploy", now.AddDays(-1));
        return new BusyDataFile(path, declared, drill, pending, failed, delivered, inbox[0].Id, inbox[1].Id);
    }

    /// <summary>The shapes of the Slack channel and Teams thread records, as the adapters store them.</summary>
    public static readonly PlatformReference<CopiedChannel> SlackChannel = new("slack", "channel");

    public static readonly PlatformReference<CopiedThread> TeamsThread = new("teams", "thread");

    private static Alert InboxAlert(string fingerprint, string raw) => new()
    {
        Source = "generic",
        Fingerprint = fingerprint,
        GroupKey = fingerprint,
        Status = AlertStatus.Firing,
        Title = $"Waiting {fingerprint}",
        Labels = new() { ["service"] = "checkout" },
        Raw = raw,
    };

    private static async Task EditReviewAsync(HttpClient client, int incident, string addition)
    {
        HttpResponseMessage current = null!;
        await Eventually.TrueAsync(async () => (current = await client.GetAsync($"/api/incidents/{incident}/rca")).IsSuccessStatusCode, "the generated review");
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/incidents/{incident}/rca?user=alice")
        {
            Content = new StringContent(await current.Content.ReadAsStringAsync() + addition, Encoding.UTF8, "text/markdown"),
        };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        var saved = await client.SendAsync(put);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
    }
}

public sealed record CopiedChannel(string Id, string Name);

public sealed record CopiedThread(string ConversationId);
