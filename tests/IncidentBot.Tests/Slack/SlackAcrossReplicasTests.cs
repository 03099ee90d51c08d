using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Slack.Inbound;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// Two bots (replicas) on one PostgreSQL database and one Slack workspace: whatever reaches both, a signed request
/// replayed, an event Slack retries, a Socket Mode envelope delivered again on the other replica's connection, acts
/// once, because "seen this already" is asked of the shared store, first writer wins.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class SlackAcrossReplicasTests(PostgresServer server)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task AnEventOrRequestReachingBothReplicasActsOnce()
    {
        var database = await server.CreateDatabaseAsync();
        await using var first = await SlackHarness.StartAsync(settings: OnDatabase(database));
        await using var second = new IncidentBotApplication(new(OnDatabase(database))
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:SigningSecret"] = SlackHarness.SigningSecret,
            ["Slack:ApiBaseUrl"] = first.Slack.BaseUrl.ToString(),
        });
        var channel = await DeclareAsync(first.App, first.Slack);
        var replicas = new[] { first.App, second };

        const int Events = 12;
        var sends = new List<Task<HttpResponseMessage>>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < Events; i++)
        {
            var mention = SlackHarness.Mention(channel, "U0ALICE", $"note replayed-{i:00}", $"EvReplica{i:00}");
            // The same signed request to both (a replay, or a load balancer retrying elsewhere) …
            sends.Add(PostSignedAsync(replicas[i % 2], mention, now));
            sends.Add(PostSignedAsync(replicas[(i + 1) % 2], mention, now));
            // … and Slack's own retry of the event, signed anew, to either.
            sends.Add(PostSignedAsync(replicas[i / 2 % 2], mention, now + 1, retryNum: 1));
        }
        var answers = await Task.WhenAll(sends);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        await Eventually.TrueAsync(async () => Notes(await first.App.GetIncidentAsync(1)).Distinct().Count() == Events, "every note", Wait);
        // Anything acted on twice would have been recorded by now: the duplicates arrived with the originals.
        await WaitForMarkerAsync(first, channel);
        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"replayed-{i:00}"), Notes(await first.App.GetIncidentAsync(1)).Where(n => n != "marker").Order());
    }

    [SkippableFact]
    public async Task ASocketModeEnvelopeDeliveredAgainOnTheOtherReplicasConnectionActsOnce()
    {
        var database = await server.CreateDatabaseAsync();
        await using var socket = await FakeSocketMode.StartAsync();
        var socketSettings = new Dictionary<string, string?>(OnDatabase(database)) { ["Slack:SigningSecret"] = "", ["Slack:AppToken"] = "xapp-test" };
        await using var first = await SlackHarness.StartAsync(new FakeSlackOptions { SocketMode = socket }, socketSettings);
        await socket.WaitForConnectionAsync(1, Wait);
        var channel = await DeclareAsync(first.App, first.Slack);
        JsonObject Note(string text) => new() { ["command"] = "/incident", ["text"] = $"note {text}", ["user_id"] = "U0BOB", ["user_name"] = "bob", ["channel_id"] = channel };
        var envelopes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            envelopes.Add(await socket.SendEnvelopeAsync("slash_commands", Note($"socket-{i}")));
        }
        await Eventually.TrueAsync(async () => Notes(await first.App.GetIncidentAsync(1)).Count == 5, "the notes through the first replica", Wait);

        // The second replica connects; Slack hands the envelopes again, now to its connection (the newest).
        await using var second = new IncidentBotApplication(new(socketSettings)
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:ApiBaseUrl"] = first.Slack.BaseUrl.ToString(),
        });
        _ = second.Server;
        await socket.WaitForConnectionAsync(2, Wait);
        envelopes.ForEach(socket.SendAgain);
        await Eventually.TrueAsync(() => envelopes.All(e => socket.AckCount(e) == 2), "the second deliveries to be acknowledged", Wait);
        await socket.WaitForAckAsync(await socket.SendEnvelopeAsync("slash_commands", Note("marker")), Wait);
        await Eventually.TrueAsync(async () => Notes(await first.App.GetIncidentAsync(1)).Contains("marker"), "the marker note through the second replica", Wait);

        Assert.Equal(["marker", "socket-0", "socket-1", "socket-2", "socket-3", "socket-4"], Notes(await first.App.GetIncidentAsync(1)).Order());
    }

    private static Dictionary<string, string?> OnDatabase(string database) => new()
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:IncidentBot"] = database,
    };

    /// <summary>Declares INC-1 and waits until its Slack channel is bound; returns the channel id.</summary>
    private static async Task<string> DeclareAsync(IncidentBotApplication app, FakeSlackApi slack)
    {
        await app.CommandAsync(null, "alice", "declare Search down sev2");
        await Eventually.TrueAsync(async () => (await app.GetIncidentAsync(1)).Channels.Any(c => c.Platform == "slack"), "the incident channel", Wait);
        return (await app.GetIncidentAsync(1)).Channels.Single(c => c.Platform == "slack").Id;
    }

    private static async Task WaitForMarkerAsync(SlackHarness slack, string channel)
    {
        await slack.SendAsync(SlackHarness.Mention(channel, "U0ALICE", "note marker", "EvMarker"));
        await Eventually.TrueAsync(async () => Notes(await slack.App.GetIncidentAsync(1)).Contains("marker"), "the marker note", Wait);
    }

    /// <summary>The notes of an incident, repeats included.</summary>
    private static List<string> Notes(IncidentView incident) => incident.Timeline!.Where(t => t.Kind == "note").Select(t => t.Text).ToList();

    private static Task<HttpResponseMessage> PostSignedAsync(IncidentBotApplication app, SlackHarness.Delivery delivery, long timestamp, int? retryNum = null)
    {
        var ts = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Encoding.UTF8.GetBytes(delivery.Body);
        var request = new HttpRequestMessage(HttpMethod.Post, delivery.Path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new(delivery.ContentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Sign(SlackHarness.SigningSecret, ts, bytes));
        if (retryNum is { } retry)
        {
            request.Headers.Add("X-Slack-Retry-Num", retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }
        return app.CreateClient().SendAsync(request);
    }
}
