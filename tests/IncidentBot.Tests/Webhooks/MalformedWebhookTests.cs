using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IncidentBot.Tests.Webhooks;

/// <summary>
/// A thousand broken variants of each source's published payloads: each is refused with a 4xx and stores
/// nothing, or is still valid and is stored exactly as acknowledged; never a 5xx, and the bot stays healthy.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class MalformedWebhookTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20_261_126;
    private const int PerSource = 1_000;
    private const string Secret = "fuzz-signing-secret";

    private readonly SnsTestKit _sns = new();
    private readonly RSA _forger = RSA.Create(2048);

    [Theory]
    [MemberData(nameof(EverySourceApplication.Sources), MemberType = typeof(EverySourceApplication))]
    public async Task MutatedPayloadsGetA4xxOrAreStoredAsAcknowledgedAndNeverA5xx(string source)
    {
        // Processing is paused so the inbox holds exactly what was acknowledged, request by request.
        await using var app = EverySourceApplication.Create(Secret, _sns);
        var client = app.CreateClient();
        var originals = SeedPayloads(source);
        var outcomes = new ConcurrentDictionary<int, int>();
        var acknowledged = 0;

        // Eight senders at once, as a storm of bad senders would; the inbox is checked against the sum of the 202s.
        await Parallel.ForAsync(0, PerSource, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var seed = Seed + i;
            var random = new Random(seed);
            var forged = source is "grafana" or "pagerduty" or "cloudwatch" && random.Next(20) == 0;
            var (request, mutation) = Build(source, originals[random.Next(originals.Count)], random, forged);

            using var response = await client.SendAsync(request);

            var status = (int)response.StatusCode;
            outcomes.AddOrUpdate(status, 1, (_, n) => n + 1);
            var what = $"{source} answered {status} to {mutation.Describe(seed)}\n{await response.Content.ReadAsStringAsync()}";
            Assert.True(status is 202 or (>= 400 and < 500), what);
            // A body over the size limit is refused before it is read, so before its signature could be checked.
            Assert.True(!forged || status is 401 or 413, $"a wrong signature was not refused: {what}");
            if (status == 202)
            {
                Interlocked.Add(ref acknowledged, (await response.Content.ReadFromJsonAsync<JsonObject>())!["accepted"]!.GetValue<int>());
            }
        });

        output.WriteLine($"{source}: seed {Seed}, answers {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}"))}");
        // The mutations must reach the parser, not stop at the signature: both outcomes have to be common.
        Assert.True(outcomes.GetValueOrDefault(400) >= 100, "too few 400s to have exercised the parser");
        Assert.True(outcomes.GetValueOrDefault(202) >= 10, "too few still-valid payloads were accepted");
        // Exactly what was acknowledged is stored: no refused request left anything behind.
        Assert.Equal(acknowledged, await app.Inbox.PendingCountAsync());
        foreach (var alert in (await app.Inbox.ClaimAsync("test", PerSource * 10, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))).Select(e => e.Alert))
        {
            var stored = $"stored alert {alert.Source} '{alert.Fingerprint}' '{alert.GroupKey}' '{alert.Title}' from {alert.Raw}";
            Assert.True(alert.Source == source, stored);
            Assert.False(string.IsNullOrWhiteSpace(alert.Fingerprint) || string.IsNullOrWhiteSpace(alert.Title) || alert.GroupKey.EndsWith(':'), stored);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    private (HttpRequestMessage, Mutation) Build(string source, byte[] original, Random random, bool forged)
    {
        var mutation = source == "cloudwatch" ? MutateSnsNotification(original, random, forged) : PayloadMutator.MutateJson(original, random);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{source}") { Content = new ByteArrayContent(mutation.Body) };
        if (mutation.ContentType is { } type)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        // Signed sources get a signature over the mutated bytes, so the parser is what gets exercised.
        var key = Encoding.UTF8.GetBytes(forged ? Secret + "-wrong" : Secret);
        var hex = Convert.ToHexStringLower(HMACSHA256.HashData(key, mutation.Body));
        switch (source)
        {
            case "grafana":
                request.Headers.Add("X-Grafana-Alerting-Signature", hex);
                break;
            case "pagerduty":
                request.Headers.Add("X-PagerDuty-Signature", $"v1={hex}");
                break;
        }
        return (request, mutation);
    }

    /// <summary>Mutates the alarm inside a signed SNS notification and signs it again; now and then the envelope itself.</summary>
    private Mutation MutateSnsNotification(byte[] original, Random random, bool forged)
    {
        var envelope = JsonNode.Parse(original)!.AsObject();
        envelope["SigningCertURL"] = SnsTestKit.CertificateUrl;
        if (!forged && random.Next(10) == 0)
        {
            var outer = PayloadMutator.MutateJson(Encoding.UTF8.GetBytes(_sns.Sign(envelope, "2").ToJsonString()), random);
            return outer with { Kind = $"envelope {outer.Kind}" };
        }
        var inner = PayloadMutator.MutateJson(Encoding.UTF8.GetBytes(envelope["Message"]!.GetValue<string>()), random);
        envelope["Message"] = Encoding.UTF8.GetString(inner.Body);
        envelope["MessageId"] = Guid.NewGuid().ToString();
        var signed = _sns.Sign(envelope, "2", forged ? _forger : null);
        return new($"message {inner.Kind}", Encoding.UTF8.GetBytes(signed.ToJsonString()), inner.ContentType);
    }

    private static List<byte[]> SeedPayloads(string source) => source switch
    {
        "generic" =>
        [
            """{"title":"Checkout error rate above 5%","severity":"critical","dedupKey":"checkout-5xx","labels":{"service":"checkout"},"links":["https://grafana.example/d/checkout"]}"""u8.ToArray(),
            """{"title":"Queue backlog","dedupKey":"queue","fingerprint":"f1","status":"resolved","annotations":{"summary":"drained"}}"""u8.ToArray(),
        ],
        "datadog" => [Encoding.UTF8.GetBytes(Fixtures.Read("alerts/datadog/webhook-default-payload-template.json")
            .Replace("$EVENT_TITLE", "[Triggered] CPU high on web-1").Replace("$EVENT_MSG", "CPU above 90%").Replace("$DATE", "1732590000000")
            .Replace("$ID", "7163837612").Replace("$EVENT_TYPE", "metric_alert_monitor").Replace("$LAST_UPDATED", "1732590000000").Replace("$PRIORITY", "normal"))],
        "cloudwatch" => [Fixtures.ReadBytes("alerts/cloudwatch/sns-http-notification-cloudwatch-alarm-ok.json")],
        "pagerduty" => Fixtures.Files("alerts/pagerduty").Where(f => f.Contains("webhook-v3")).Select(Fixtures.ReadBytes).ToList(),
        _ => Fixtures.Files($"alerts/{source}").Select(Fixtures.ReadBytes).ToList(),
    };

    public void Dispose()
    {
        _sns.Dispose();
        _forger.Dispose();
    }
}
