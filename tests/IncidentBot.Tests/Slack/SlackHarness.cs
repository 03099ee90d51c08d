using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Slack.Inbound;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// The bot with Slack switched on against a fake Slack on loopback, and helpers that send what Slack sends —
/// the shared fixtures, signed with the test signing secret exactly as Slack signs.
/// </summary>
public sealed class SlackHarness : IAsyncDisposable
{
    public const string SigningSecret = "test-signing-secret";

    private SlackHarness(FakeSlackApi slack, IncidentBotApplication app)
    {
        Slack = slack;
        App = app;
    }

    public FakeSlackApi Slack { get; }

    public IncidentBotApplication App { get; }

    /// <param name="dataFolder">A folder the test owns, to restart the bot on the same data file; a fresh one otherwise.</param>
    public static async Task<SlackHarness> StartAsync(FakeSlackOptions? slack = null, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? dataFolder = null)
    {
        var fake = await FakeSlackApi.StartAsync(slack);
        var all = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:ApiBaseUrl"] = fake.BaseUrl.ToString(),
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var app = new IncidentBotApplication(all, services, dataFolder);
        _ = app.Server; // start the bot now
        return new SlackHarness(fake, app);
    }

    /// <summary>Posts <paramref name="body"/> signed like Slack (or with the given timestamp and secret).</summary>
    public async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> PostSignedAsync(
        string path, string body, string contentType, long? timestamp = null, string? secret = null, int? retryNum = null)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Sign(secret ?? SigningSecret, ts, bytes));
        if (retryNum is { } retry)
        {
            request.Headers.Add("X-Slack-Retry-Num", retry.ToString());
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }
        var clock = Stopwatch.StartNew();
        var response = await App.CreateClient().SendAsync(request);
        return (response, clock.Elapsed);
    }

    /// <summary>Sends a request Slack would send, signed at the given time (now by default).</summary>
    public Task<(HttpResponseMessage Response, TimeSpan Elapsed)> SendAsync(Delivery delivery, long? timestamp = null, int? retryNum = null) =>
        PostSignedAsync(delivery.Path, delivery.Body, delivery.ContentType, timestamp, retryNum: retryNum);

    public Task<(HttpResponseMessage Response, TimeSpan Elapsed)> SlashCommandAsync(string channelId, string userId, string userName, string text) =>
        SendAsync(SlashCommand(channelId, userId, userName, text));

    /// <summary>The published slash-command body, with our channel, user and text in it.</summary>
    public static Delivery SlashCommand(string channelId, string userId, string userName, string text)
    {
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Fixtures.Read("slack/slash-command-body-hello.txt"))
            .ToDictionary(f => f.Key, f => f.Value.ToString());
        form["channel_id"] = channelId;
        form["user_id"] = userId;
        form["user_name"] = userName;
        form["command"] = "/incident";
        form["text"] = text;
        return new("/slack/commands", Form(form), "application/x-www-form-urlencoded");
    }

    public Task<(HttpResponseMessage Response, TimeSpan Elapsed)> ButtonAsync(string channelId, string userId, string userName, string command) =>
        SendAsync(Button(channelId, userId, userName, command));

    /// <summary>The published block_actions payload, as a press of one of our buttons in a channel.</summary>
    public static Delivery Button(string channelId, string userId, string userName, string command)
    {
        var payload = JsonNode.Parse(Fixtures.Read("slack/interactivity-block-actions.json"))!.AsObject();
        payload["user"]!["id"] = userId;
        payload["user"]!["username"] = userName;
        payload["user"]!["name"] = userName;
        payload["channel"] = new JsonObject { ["id"] = channelId, ["name"] = "incident" };
        payload["container"] = new JsonObject { ["type"] = "message", ["channel_id"] = channelId, ["message_ts"] = "1.2" };
        var action = payload["actions"]![0]!;
        action["action_id"] = "incidentbot.command.0";
        action["value"] = command;
        return new("/slack/interactions", Form(new() { ["payload"] = payload.ToJsonString() }), "application/x-www-form-urlencoded");
    }

    public Task<(HttpResponseMessage Response, TimeSpan Elapsed)> MentionAsync(string channelId, string userId, string text, string eventId, int? retryNum = null) =>
        SendAsync(Mention(channelId, userId, text, eventId), retryNum: retryNum);

    /// <summary>The published app_mention callback, said in our channel by our user.</summary>
    public static Delivery Mention(string channelId, string userId, string text, string eventId)
    {
        var callback = JsonNode.Parse(Fixtures.Read("slack/events-app-mention.json"))!.AsObject();
        callback["event"]!["channel"] = channelId;
        callback["event"]!["user"] = userId;
        callback["event"]!["text"] = $"<@U0FAKEBOT> {text}";
        callback["event_id"] = eventId;
        return new("/slack/events", callback.ToJsonString(), "application/json");
    }

    public static string Form(Dictionary<string, string> fields) =>
        string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));

    /// <summary>One request as Slack would send it, before signing.</summary>
    public sealed record Delivery(string Path, string Body, string ContentType);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
