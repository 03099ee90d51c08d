using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Slack.Inbound;
using IncidentBot.Tests.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using IncidentBot.Tests.Teams;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Inbound;

/// <summary>
/// The corpus of <see cref="MalformedBodies"/> made from real payloads, sent to every webhook source, to Slack's
/// events, interactions and commands, to Teams and to the JSON API, each as the sender authenticates: a body that
/// cannot be decoded is a 4xx with a problem body naming why, never a 5xx, and nothing is stored or opened.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class DecodingFailureTests : IDisposable
{
    private const string Secret = "decoding-signing-secret";
    private readonly SnsTestKit _sns = new();

    [Theory]
    [MemberData(nameof(EverySourceApplication.Sources), MemberType = typeof(EverySourceApplication))]
    public async Task EveryUndecodableWebhookBodyIsA4xxProblemAndNothingIsStored(string source)
    {
        await using var app = EverySourceApplication.Create(Secret, _sns);
        var client = app.CreateClient();
        var accepted = 0;

        foreach (var (kind, body, alwaysInvalid) in WebhookBodies(source))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{source}") { Content = Json(body) };
            var hex = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
            request.Headers.TryAddWithoutValidation(source == "grafana" ? "X-Grafana-Alerting-Signature" : "X-PagerDuty-Signature", source == "grafana" ? hex : $"v1={hex}");

            using var response = await client.SendAsync(request);

            var status = await AssertAnsweredAsync(response, $"{source}: {kind}", alwaysInvalid);
            if (status == 202)
            {
                accepted += (await response.Content.ReadFromJsonAsync<JsonObject>())!["accepted"]!.GetValue<int>();
            }
        }
        Assert.Equal(accepted, await app.Inbox.PendingCountAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    public static TheoryData<string> SlackEndpoints() => ["/slack/events", "/slack/interactions", "/slack/commands"];

    [Theory]
    [MemberData(nameof(SlackEndpoints))]
    public async Task EveryUndecodableSlackRequestIsA4xxProblemAndNothingIsOpened(string path)
    {
        await using var slack = await SlackHarness.StartAsync(settings: new() { ["Logging:LogLevel:Default"] = "Error" });
        var client = slack.App.CreateClient();

        foreach (var (kind, body, alwaysInvalid) in SlackBodies(path))
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", path == "/slack/events" ? "application/json" : "application/x-www-form-urlencoded");
            request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
            request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Sign(SlackHarness.SigningSecret, timestamp, body));

            using var response = await client.SendAsync(request);

            await AssertAnsweredAsync(response, $"{path}: {kind}", alwaysInvalid);
        }
        Assert.Empty(await slack.App.ListIncidentsAsync());
    }

    [Fact]
    public async Task EveryUndecodableTeamsActivityWithAValidTokenIsA4xxProblem()
    {
        await using var teams = await TeamsHarness.StartAsync(settings: new() { ["Logging:LogLevel:Default"] = "Error" });
        var client = teams.App.CreateClient();
        var activity = teams.Fixture("message-channel-mention-tacv2.json");
        var authorization = teams.AuthorizationFor(activity);

        foreach (var (kind, body, alwaysInvalid) in MalformedBodies.From(activity.ToJsonString()))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = Json(body) };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);

            using var response = await client.SendAsync(request);

            await AssertAnsweredAsync(response, $"/api/messages: {kind}", alwaysInvalid);
        }
        Assert.Empty(await teams.App.ListIncidentsAsync());
    }

    public static TheoryData<string> BadTokens() => ["", "Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "forged"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task ATeamsRequestWithABadTokenIs401WhateverItsBody(string authorization)
    {
        await using var teams = await TeamsHarness.StartAsync(settings: new() { ["Logging:LogLevel:Default"] = "Error" });
        var client = teams.App.CreateClient();
        var activity = teams.Fixture("message-channel-mention-tacv2.json");
        if (authorization == "forged")
        {
            authorization = teams.AuthorizationFor(activity)[..^4] + "AAAA";
        }
        IEnumerable<MalformedBody> bodies = [new("the activity itself", Encoding.UTF8.GetBytes(activity.ToJsonString()), false), .. MalformedBodies.From(activity.ToJsonString())];

        foreach (var (kind, body, _) in bodies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = Json(body) };
            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"'{authorization}' with {kind} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Empty(teams.Connector.Calls);
    }

    public static TheoryData<string, string> ApiEndpoints() => new()
    {
        { "/api/commands", """{"user":"alice","text":"declare Checkout is down sev2"}""" },
        { "/api/incidents", """{"title":"Checkout is down","severity":"sev2","service":"checkout","user":"alice"}""" },
    };

    [Theory]
    [MemberData(nameof(ApiEndpoints))]
    public async Task EveryUndecodableApiBodyIsA4xxProblem(string path, string json)
    {
        await using var app = new IncidentBotApplication(new() { ["Logging:LogLevel:Default"] = "Error" });
        var client = app.CreateClient();

        foreach (var (kind, body, alwaysInvalid) in MalformedBodies.From(json))
        {
            using var response = await client.PostAsync(path, Json(body));

            await AssertAnsweredAsync(response, $"{path}: {kind}", alwaysInvalid);
        }
    }

    /// <summary>2xx or 4xx, never 5xx; a refusal is a problem body that says why; a body no one could accept is refused.</summary>
    private static async Task<int> AssertAnsweredAsync(HttpResponseMessage response, string what, bool alwaysInvalid)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var shown = text.Length > 600 ? text[..600] + "…" : text;
        Assert.True(status is (>= 200 and < 300) or (>= 400 and < 500), $"{what} answered {status}: {shown}");
        Assert.True(!alwaysInvalid || status >= 400, $"{what} was accepted ({status}): {shown}");
        if (status >= 400)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what} answered {status} without a problem body: {shown}");
            var problem = JsonNode.Parse(text);
            var why = problem?["detail"]?.GetValue<string>() ?? problem?["errors"]?.ToJsonString();
            Assert.False(string.IsNullOrWhiteSpace(why), $"{what} answered {status} without saying why: {shown}");
        }
        return status;
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }

    private IEnumerable<MalformedBody> WebhookBodies(string source)
    {
        if (source == "generic")
        {
            return MalformedBodies.From("""{"title":"Checkout error rate above 5%","severity":"critical","dedupKey":"checkout-5xx","labels":{"service":"checkout"},"links":["https://grafana.example/d/checkout"]}""");
        }
        if (source != "cloudwatch")
        {
            return MalformedBodies.From(Fixtures.Read(Fixtures.Files($"alerts/{source}").First(f => source != "pagerduty" || f.Contains("webhook-v3"))));
        }
        // SNS signs the envelope, so a broken alarm inside it arrives signed; a broken envelope does not verify.
        var fixture = "alerts/cloudwatch/sns-http-notification-cloudwatch-alarm-ok.json";
        var envelope = JsonNode.Parse(Fixtures.Read(fixture))!.AsObject();
        var inner = MalformedBodies.From(envelope["Message"]!.GetValue<string>()).Where(MalformedBodies.IsText).Select(body =>
        {
            var signed = JsonNode.Parse(Fixtures.Read(fixture))!.AsObject();
            signed["SigningCertURL"] = SnsTestKit.CertificateUrl;
            signed["Message"] = Encoding.UTF8.GetString(body.Body);
            return body with { Kind = $"Message {body.Kind}", Body = Encoding.UTF8.GetBytes(_sns.Sign(signed, "2").ToJsonString()) };
        });
        return [.. inner, .. MalformedBodies.From(envelope.ToJsonString())];
    }

    private static IEnumerable<MalformedBody> SlackBodies(string path)
    {
        switch (path)
        {
            case "/slack/events":
                return MalformedBodies.From(Fixtures.Read("slack/events-app-mention.json"));
            case "/slack/interactions":
                // Inside a form field, raw bytes arrive percent-encoded and decode to U+FFFD: text kinds must be refused.
                return MalformedBodies.From(Fixtures.Read("slack/interactivity-block-actions.json")).Select(body => body with
                {
                    Body = Encoding.ASCII.GetBytes("payload=" + PercentEncode(body.Body)),
                    AlwaysInvalid = body.AlwaysInvalid && MalformedBodies.IsText(body),
                });
            default:
                var form = File.ReadAllText(Directory.GetFiles(Path.Combine(Fixtures.Root, "slack"), "slash-command-body*.txt")[0]).Trim();
                return MalformedBodies.InvalidBytes.Select(bytes => new MalformedBody($"bytes {Convert.ToHexString(bytes)} in every field",
                        Encoding.ASCII.GetBytes(form).SelectMany(b => b == (byte)'&' ? [.. bytes, b] : new[] { b }).Concat(bytes).ToArray(), AlwaysInvalid: bytes is not [0x00]))
                    .Concat(MalformedBodies.InvalidBytes.Select(bytes => new MalformedBody($"percent-encoded {Convert.ToHexString(bytes)} in every field",
                        Encoding.ASCII.GetBytes(form.Replace("&", PercentEncode(bytes) + "&")), AlwaysInvalid: false)));
        }
    }

    private static string PercentEncode(byte[] bytes) => string.Concat(bytes.Select(b => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' ? ((char)b).ToString() : $"%{b:X2}"));

    public void Dispose() => _sns.Dispose();
}
