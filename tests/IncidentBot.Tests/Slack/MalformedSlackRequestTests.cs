using System.Collections.Concurrent;
using System.Net;
using System.Text;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Inbound;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// A thousand broken variants of Slack's published requests per endpoint, signed as Slack signs so the parsers
/// are what gets exercised: each is answered 2xx or 4xx, never 5xx; forgeries are refused; nothing is opened.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class MalformedSlackRequestTests(ITestOutputHelper output)
{
    private const int Seed = 20_261_127;
    private const int PerEndpoint = 1_000;

    public static TheoryData<string> Endpoints() => ["/slack/events", "/slack/commands", "/slack/interactions"];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task MutatedRequestsGetA2xxOrA4xxAndNeverA5xx(string path)
    {
        var logs = new CollectedLogs();
        // Every refusal logs a warning; thousands of them on the console would cost more than the requests.
        await using var slack = await SlackHarness.StartAsync(settings: new()
        {
            ["Logging:LogLevel:Default"] = "Error",
            // A thousand requests from one address within seconds is past a client's request budget by design
            // (ClientLimitsTests); this test is about parsing, so its one client gets a budget it cannot reach.
            ["ClientLimits:RequestsPerSecond"] = "1000000",
            ["ClientLimits:RequestBurst"] = "1000000",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = slack.App.CreateClient();
        // Replies to a response_url go to the fake Slack instead of hooks.slack.com: nothing leaves this machine.
        var fakeSlack = new Uri(slack.Slack.BaseUrl, "/").ToString().TrimEnd('/');
        var originals = Originals(path).Select(o => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(o)
            .Replace("https://hooks.slack.com", fakeSlack).Replace("https%3A%2F%2Fhooks.slack.com", Uri.EscapeDataString(fakeSlack)))).ToList();
        var outcomes = new ConcurrentDictionary<int, int>();

        await Parallel.ForAsync(0, PerEndpoint, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var seed = Seed + i;
            var random = new Random(seed);
            var forged = random.Next(20) == 0;
            var original = originals[random.Next(originals.Count)];
            var mutation = path == "/slack/events" ? PayloadMutator.MutateJson(original, random) : FormPayloadMutator.Mutate(original, random, jsonField: "payload");

            using var response = await client.SendAsync(Signed(path, mutation, forged ? "not-the-secret" : SlackHarness.SigningSecret));

            var status = (int)response.StatusCode;
            outcomes.AddOrUpdate(status, 1, (_, n) => n + 1);
            var what = $"{path} answered {status} to {mutation.Describe(seed)}\n{await response.Content.ReadAsStringAsync()}";
            Assert.True(status is (>= 200 and < 300) or (>= 400 and < 500), what);
            Assert.True(!forged || status is 401 or 413, $"a forged request was not refused: {what}");
        });

        output.WriteLine($"{path}: seed {Seed}, answers {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}"))}");
        Assert.True(outcomes.GetValueOrDefault(200) >= 100, "too few mutated requests got past the signature to the parser");
        // Accepted requests are handled in the background: none of them may fail there either, apart from what the
        // fake Slack answers (the fixtures' channels and response URLs do not exist in it).
        await Task.Delay(500);
        var failures = logs.Errors.Where(e => e.Exception is not null and not SlackApiException and not HttpRequestException).ToList();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Select(e => $"{e.Category}: {e.Message}: {e.Exception}")));
        Assert.Empty(await slack.App.ListIncidentsAsync());
        Assert.Equal(0, await slack.App.Inbox.PendingCountAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    private static HttpRequestMessage Signed(string path, Mutation mutation, string secret)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(mutation.Body) };
        if (mutation.ContentType is { } type)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Sign(secret, timestamp, mutation.Body));
        return request;
    }

    private static List<byte[]> Originals(string path) => path switch
    {
        "/slack/events" => Fixtures.Files("slack").Where(f => Path.GetFileName(f).StartsWith("events-")).Select(Fixtures.ReadBytes).ToList(),
        "/slack/commands" => Directory.GetFiles(Path.Combine(Fixtures.Root, "slack"), "slash-command-body*.txt").Select(File.ReadAllBytes).ToList(),
        _ => Fixtures.Files("slack").Where(f => Path.GetFileName(f).StartsWith("interactivity-"))
            .Select(f => Encoding.UTF8.GetBytes(SlackHarness.Form(new() { ["payload"] = Fixtures.Read(f) }))).ToList(),
    };
}
