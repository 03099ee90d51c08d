using System.Net;
using IncidentBot.Chat;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;
using IncidentBot.Tests.Teams.Auth;
using IncidentBot.Tests.Teams.Fakes;
using IncidentBot.Tests.Telemetry;
using Npgsql;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>
/// Two real bot processes on one PostgreSQL database behind a loopback load balancer, with one fake Slack and one fake
/// Teams for both, under a storm of alerts whose severity climbs (so every incident's channel gets its summary and
/// then one message per escalation, in an order that can be checked). One replica dies or both are rolled: whatever
/// a sender was told 202 is stored and attached, no group key has two incidents, and every chat message reaches its
/// channel once, in the order the incident's changes were committed.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class ReplicaTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string TeamsChannel = "19:incidents@thread.tacv2";
    private static readonly string[] Severities = ["sev4", "sev3", "sev2", "sev1"];

    /// <summary>How long a dead replica's claims on outbox items last before another replica may take them.</summary>
    private static readonly TimeSpan DeadReplicasLease = TimeSpan.FromMinutes(2);

    private FakeSlackApi _slack = null!;
    private FakeEntraToken _tokens = null!;
    private FakeBotConnector _connector = null!;
    private FakeGraph _graph = null!;
    private FakeBotFrameworkMetadata _metadata = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _tokens = await FakeEntraToken.StartAsync("00000000-1111-2222-3333-444444444444", "teams-app-secret");
        _connector = await FakeBotConnector.StartAsync(_tokens);
        _connector.AddChannel(TeamsChannel);
        _graph = await FakeGraph.StartAsync(_tokens, _connector);
        _graph.AddTeam("team-1");
        _metadata = await FakeBotFrameworkMetadata.StartAsync(new TestSigningKey("teams-key", ["msteams"]));
    }

    [SkippableFact]
    public async Task ReplicaKilledMidStormLosesNothingAcknowledgedAndEveryChatMessageArrivesInOrderRepeatingOnlyWhatWasTakenOver()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var replicas = await BotReplicas.StartAsync(2, Settings(database));
        var storm = WebhookStorm.Start(replicas.Balancer.Client, alertsPerSender: 100_000, HttpStatusCode.ServiceUnavailable, stopSenderWhenUnanswered: false, Climbing);
        try
        {
            await storm.WaitForAcknowledgedAsync(300);
            Assert.All(replicas.Balancer.Answered, answered => Assert.True(answered > 0, "the balancer spreads the storm over both replicas"));
            replicas.Kill(0);
            // The storm goes on through the survivor: the balancer has stopped sending to the dead one.
            await storm.WaitForAcknowledgedAsync(storm.Acknowledged.Count + 400);
        }
        finally
        {
            await storm.StopAsync();
        }

        // Only the requests the dead replica had in hand when it died were refused (by the balancer, with
        // Retry-After); every other request went to the survivor.
        Assert.Equal(0, replicas.Balancer.NoReplica);
        Assert.Equal(replicas.Balancer.CutOff, storm.Refused.Count);
        Assert.True(storm.Refused.Count <= 8, $"{storm.Refused.Count} requests refused: only the ones in flight at the kill may be");
        Assert.Equal(0, storm.RefusedWithoutRetryAfter);

        await AssertNothingLostAndOneIncidentPerKeyAsync(replicas[1], database, storm);
        await AssertEveryChatMessageOnceInOrderAsync(database, survivors: [replicas[1]]);
    }

    [SkippableFact]
    public async Task RollingRestartDuringAStormAnswersOnly2xxOr503AndLosesNothingAcknowledged()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var replicas = await BotReplicas.StartAsync(2, Settings(database));
        var storm = WebhookStorm.Start(replicas.Balancer.Client, alertsPerSender: 100_000, HttpStatusCode.ServiceUnavailable, stopSenderWhenUnanswered: false, Climbing);
        try
        {
            await storm.WaitForAcknowledgedAsync(200);
            foreach (var replica in new[] { 0, 1 })
            {
                // As Kubernetes rolls a Deployment with maxUnavailable 0: stop one, start it again, wait until it is
                // ready, then the next; the storm never stops.
                Assert.Equal(0, await replicas.TerminateAsync(replica));
                await storm.WaitForAcknowledgedAsync(storm.Acknowledged.Count + 100);
                await replicas.StartAsync(replica);
                await Eventually.TrueAsync(() => replicas.Balancer.InRotation == 2, $"replica {replica} back in rotation");
                await storm.WaitForAcknowledgedAsync(storm.Acknowledged.Count + 100);
            }
        }
        finally
        {
            await storm.StopAsync();
        }

        // WebhookStorm fails on any answer but 202 and 503; every 503 carried Retry-After; no connection failed.
        Assert.Equal(0, storm.RefusedWithoutRetryAfter);
        Assert.Empty(storm.Unanswered);
        Assert.True(storm.SlowestAnswer < TimeSpan.FromSeconds(10), $"a webhook waited {storm.SlowestAnswer} for its answer");
        await AssertNothingLostAndOneIncidentPerKeyAsync(replicas[1], database, storm);
        // Replicas stopped with SIGTERM record every outcome before they exit: nothing is taken over, nothing repeats.
        await AssertEveryChatMessageOnceInOrderAsync(database, survivors: [replicas[0], replicas[1]], repeatsAllowed: false);
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _graph.DisposeAsync();
        await _connector.DisposeAsync();
        await _tokens.DisposeAsync();
        await _metadata.DisposeAsync();
    }

    /// <summary>
    /// Sender <c>s</c>'s <c>i</c>th alert: over 6 keys (the bot paces channel creation to Slack's 20 a minute, and
    /// this test is about replicas, not that wait), its severity climbing from sev4 to sev1 every 40 alerts, so each
    /// incident escalates a few times while both replicas work on it.
    /// </summary>
    private static StormAlert Climbing(int sender, int i) =>
        new($"key-{i % 6}", $"s{sender}-{i}", Severities[Math.Min(i / 40, Severities.Length - 1)]);

    private Dictionary<string, string> Settings(string database) => new()
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:IncidentBot"] = database,
        ["Storage:Path"] = "",
        // Every sender here is 127.0.0.1 through one balancer, so the per-client webhook budget (200 a second) would
        // be the storm's; in production each sender has its own (ReverseProxy:TrustedAddresses names the balancer).
        ["ClientLimits:WebhooksPerSecond"] = "100000",
        ["ClientLimits:WebhookBurst"] = "100000",
        ["Slack:BotToken"] = "xoxb-test",
        ["Slack:SigningSecret"] = "test-signing-secret",
        ["Slack:ApiBaseUrl"] = _slack.BaseUrl.ToString(),
        ["Teams:AppId"] = "00000000-1111-2222-3333-444444444444",
        ["Teams:AppPassword"] = "teams-app-secret",
        ["Teams:TenantId"] = _tokens.Tenant,
        ["Teams:TeamId"] = "team-1",
        ["Teams:IncidentsChannelId"] = TeamsChannel,
        ["Teams:OpenIdMetadataUrl"] = _metadata.MetadataUrl,
        ["Teams:TokenEndpoint"] = _tokens.TokenEndpoint.ToString(),
        ["Teams:GraphBaseUrl"] = _graph.BaseUrl.ToString(),
        ["Teams:DefaultServiceUrl"] = _connector.ServiceUrl.ToString(),
        ["Teams:AllowedServiceUrls:0"] = _connector.ServiceUrl.ToString(),
    };

    /// <summary>
    /// Every acknowledged alert is attached once; nothing is attached that no sender sent (a refused alert may
    /// have been stored before its replica died: its sender's retry would find it); one open incident per key.
    /// </summary>
    private static async Task AssertNothingLostAndOneIncidentPerKeyAsync(BotProcess survivor, string database, WebhookStorm storm)
    {
        var attached = await CrashDurabilityTests.SettledAlertsAsync(survivor, storm.Acknowledged.Count);
        var acked = storm.Acknowledged.Select(Unclimbed).ToHashSet();
        Assert.Equal(attached.Count, attached.Distinct().Count());
        Assert.Empty(acked.Except(attached));
        Assert.Subset(acked.Union(storm.Refused.Select(Unclimbed)).Union(storm.Unanswered.Select(Unclimbed)).ToHashSet(), attached.ToHashSet());

        var incidents = await survivor.IncidentsAsync();
        Assert.Equal(attached.Select(a => a.Key).Distinct().Order(), incidents.Select(i => i.Title["Storm ".Length..]).Order());
        Assert.Equal(attached.Count, incidents.Sum(i => i.AlertCount));
        Assert.Equal((attached.Count, 0L, 0L), await QueryAsync(database,
            "SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM inbox), " +
            "(SELECT count(*) FROM (SELECT group_key FROM incidents WHERE is_open GROUP BY group_key HAVING count(*) > 1) twice)",
            r => ((int)r.GetInt64(0), r.GetInt64(1), r.GetInt64(2))));
    }

    /// <summary>
    /// Waits for the outbox to be delivered, then holds every conversation in fake Slack and fake Teams against the
    /// outbox's record of what the incident's commits asked for, item by item in order: each message posted once
    /// (or, for a message that updates an earlier one, applied to it once), in the order of the items, nothing else.
    /// The one exception is the documented one (docs/high-availability.md, "When a message can go out twice"): an
    /// item a survivor took over from a killed replica's claim may show twice in a row, because the killed replica
    /// may have sent it and died before recording that. Such repeats are allowed only when
    /// <paramref name="repeatsAllowed"/>, and never more of them than the survivors counted in
    /// <c>incidentbot_outbox_redeliveries_total</c>.
    /// </summary>
    private async Task AssertEveryChatMessageOnceInOrderAsync(string database, BotProcess[] survivors, bool repeatsAllowed = true)
    {
        // A killed replica's claimed items hold their conversations until the claim's lease ends (OutboxDispatcher's
        // Lease, two minutes), then the survivor takes them over; in the order they were committed.
        var deadline = DateTime.UtcNow + DeadReplicasLease + TimeSpan.FromSeconds(30);
        while (await QueryListAsync(database, "SELECT id, conversation_key, state, claimed_by, claim_until, attempts, last_error FROM outbox WHERE state <> 'delivered' ORDER BY id",
            r => $"{r.GetInt64(0)} {r.GetString(1)} {r.GetString(2)} claimed by {(r.IsDBNull(3) ? "-" : r.GetString(3))} until {(r.IsDBNull(4) ? "-" : r.GetDateTime(4).ToString("O"))}, {r.GetInt32(5)} attempts {(r.IsDBNull(6) ? "" : r.GetString(6))}") is { Count: > 0 } undelivered)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{undelivered.Count} outbox items undelivered {DeadReplicasLease.TotalSeconds + 30} s after the storm (now {DateTime.UtcNow:O}):\n{string.Join("\n", undelivered.Take(20))}");
            await Task.Delay(200);
        }
        var posts = await QueryListAsync(database, "SELECT platform, incident_number, message::text FROM outbox WHERE kind = 'post' ORDER BY id",
            r => (Platform: r.GetString(0), Incident: r.GetInt32(1), Message: ChatMessage.FromJson(r.GetString(2))));
        var incidents = posts.Select(p => p.Incident).Distinct().Order().ToList();
        Assert.NotEmpty(incidents);

        var slackChannels = _slack.Channels.Where(c => c.Name.StartsWith("inc-", StringComparison.Ordinal)).ToList();
        Assert.Equal(incidents.Count, slackChannels.Count);
        // On Teams each incident gets a channel of its own (through Graph) and the bot's thread in it.
        var teamsThreads = _connector.Conversations.Where(c => c.Activities.Count > 0).ToList();
        Assert.Equal(incidents.Count, teamsThreads.Count);
        Assert.Equal(incidents.Count, teamsThreads.Select(c => c.ChannelId).Distinct().Count());
        var escalations = 0;
        var repeats = new Dictionary<string, int> { ["slack"] = 0, ["teams"] = 0 };
        foreach (var number in incidents)
        {
            var slack = Expected(posts.Where(p => p.Platform == "slack" && p.Incident == number).Select(p => p.Message), 300);
            var channel = slackChannels.Single(c => c.Name.StartsWith($"inc-{number}-", StringComparison.Ordinal));
            var posted = _slack.MessagesIn(channel.Id).Where(m => m.ThreadTs is null)
                .Select(m => m.History.Select(h => h.Text).Append(m.Text).Select(t => WebUtility.HtmlDecode(t ?? "")).ToList()).ToList();
            repeats["slack"] += AssertInOrderRepeatingOnlyInARow(slack, posted);

            var teams = Expected(posts.Where(p => p.Platform == "teams" && p.Incident == number).Select(p => p.Message), 200);
            // The thread starts with the channel's opening post (the open-channel item), then the messages.
            var thread = teamsThreads.Single(c => ((string?)c.Activities[0].Json["text"])?.StartsWith($"INC-{number} ", StringComparison.Ordinal) == true);
            var sent = thread.Activities.Skip(1).Select(a => a.History.Select(h => (string?)h["summary"] ?? "").Append((string?)a.Json["summary"] ?? "").ToList()).ToList();
            repeats["teams"] += AssertInOrderRepeatingOnlyInARow(teams, sent);

            // The storm's climb shows in every channel: the summary first, then each escalation once, worse each time.
            var raised = slack.Skip(1).Select(m => m[^1]).Where(t => t.Contains(" raised ", StringComparison.Ordinal)).ToList();
            Assert.Equal(raised.Count, raised.Distinct().Count());
            Assert.Equal(raised.OrderByDescending(t => t[(t.LastIndexOf("SEV", StringComparison.Ordinal) + 3)..]).ToList(), raised);
            escalations += raised.Count;
        }
        Assert.True(escalations >= incidents.Count, $"only {escalations} escalations in {incidents.Count} incidents: the storm did not climb");

        foreach (var (platform, repeated) in repeats)
        {
            var takenOver = 0.0;
            foreach (var survivor in survivors)
            {
                var scrape = await PrometheusScrape.ReadAsync(survivor.Client);
                takenOver += scrape.Value("incidentbot_outbox_redeliveries_total", ("platform", platform)) ?? 0;
            }
            Assert.True(repeated <= (repeatsAllowed ? takenOver : 0),
                $"{repeated} {platform} messages showed twice; the survivors took over {takenOver} items from a dead replica's claim, and only those may repeat");
        }
    }

    /// <summary>
    /// Holds what a conversation shows (each posted message with the versions it went through) against what its
    /// outbox items asked for, in order, allowing only a message or a version shown again right after itself (an
    /// item sent again by the replica that took it over). Returns how many such repeats there were.
    /// </summary>
    private static int AssertInOrderRepeatingOnlyInARow(List<List<string>> expected, List<List<string>> shown)
    {
        var repeats = 0;
        var next = 0;
        for (var j = 0; j < shown.Count; j++)
        {
            var message = shown[j];
            if (next < expected.Count && Lines(message) == Lines(expected[next]))
            {
                next++;
                continue;
            }
            // An edit sent again shows as the same version twice in a row.
            if (next < expected.Count && Lines(InARowOnce(message)) == Lines(InARowOnce(expected[next])))
            {
                repeats += message.Count - expected[next].Count;
                next++;
                continue;
            }
            // A post sent again shows as a second message right beside the first, with the same first version (the
            // edits after it went to whichever of the two the bot remembered).
            var besideItself = (j > 0 && shown[j - 1][0] == message[0]) || (j + 1 < shown.Count && shown[j + 1][0] == message[0]);
            Assert.True(besideItself, $"message {j} ({Lines(message)}) is not what the outbox asked for next, nor a repeat of its neighbour.\nexpected:\n{string.Join("\n", expected.Select(Lines))}\nshown:\n{string.Join("\n", shown.Select(Lines))}");
            repeats++;
        }
        Assert.True(next == expected.Count, $"only {next} of {expected.Count} messages shown.\nexpected:\n{string.Join("\n", expected.Select(Lines))}\nshown:\n{string.Join("\n", shown.Select(Lines))}");
        return repeats;
    }

    private static List<string> InARowOnce(List<string> versions) => versions.Where((v, i) => i == 0 || v != versions[i - 1]).ToList();

    /// <summary>
    /// What a conversation must show for these outbox messages, in order: one posted message per message without an
    /// update key or per update key, each with every version it went through (a later message with the same key
    /// edits the earlier one), as the notification lines the platform shows.
    /// </summary>
    private static List<List<string>> Expected(IEnumerable<ChatMessage> messages, int lineLength)
    {
        var posted = new List<List<string>>();
        var byKey = new Dictionary<string, List<string>>();
        foreach (var message in messages)
        {
            var line = message.NotificationLine(lineLength);
            if (message.UpdateKey is { } key && byKey.TryGetValue(key, out var earlier))
            {
                earlier.Add(line);
                continue;
            }
            var versions = new List<string> { line };
            posted.Add(versions);
            if (message.UpdateKey is { } newKey)
            {
                byKey[newKey] = versions;
            }
        }
        return posted;
    }

    private static string Lines(List<string> versions) => string.Join(" -> ", versions);

    private static StormAlert Unclimbed(StormAlert alert) => alert with { Severity = null };

    private static async Task<T> QueryAsync<T>(string database, string sql, Func<NpgsqlDataReader, T> read) =>
        (await QueryListAsync(database, sql, read)).Single();

    private static async Task<List<T>> QueryListAsync<T>(string database, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
