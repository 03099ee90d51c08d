using System.Net;
using System.Security.Cryptography;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>Signed sources through real HTTP: verified over the raw body before anything is parsed or stored.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SignedSourceTests
{
    private const string Secret = "whsec-test-secret";

    [Fact]
    public async Task GrafanaWithAValidSignatureOpensAnIncidentAndAForgedOneIsRefused()
    {
        await using var app = new IncidentBotApplication(new() { ["Webhooks:Sources:grafana:SigningSecret"] = Secret });
        var body = Fixtures.Read("alerts/grafana/firing-two-alerts-docs.json");

        var forged = await PostAsync(app, "grafana", body, ("X-Grafana-Alerting-Signature", Hex(Secret + "-wrong", body)), remoteIp: "203.0.113.9");
        var unsigned = await PostAsync(app, "grafana", body, remoteIp: "203.0.113.9");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("signature did not verify", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        await Task.Delay(100);
        Assert.Empty(await app.ListIncidentsAsync());

        var signed = await PostAsync(app, "grafana", body, ("X-Grafana-Alerting-Signature", Hex(Secret, body)), remoteIp: "203.0.113.9");
        Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        await app.WaitForProcessingAsync();
        Assert.Single(await app.ListIncidentsAsync());
    }

    [Fact]
    public async Task PagerDutySignatureIsCheckedIncludingDuringSecretRotation()
    {
        await using var app = new IncidentBotApplication(new() { ["Webhooks:Sources:pagerduty:SigningSecret"] = Secret });
        var body = Fixtures.Read("alerts/pagerduty/webhook-v3-incident-triggered.json");

        var rotating = await PostAsync(app, "pagerduty", body, ("X-PagerDuty-Signature", $"v1={Hex("old-secret", body)},v1={Hex(Secret, body)}"), remoteIp: "198.51.100.4");
        var tampered = await PostAsync(app, "pagerduty", body.Replace("triggered", "resolved"), ("X-PagerDuty-Signature", $"v1={Hex(Secret, body)}"), remoteIp: "198.51.100.4");

        Assert.Equal(HttpStatusCode.Accepted, rotating.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        await app.WaitForProcessingAsync();
        Assert.Equal("triggered", Assert.Single(await app.ListIncidentsAsync()).Status);
    }

    [Fact]
    public async Task AlertsFromDifferentSourcesJoinOneIncidentWhenGroupedByService()
    {
        await using var app = new IncidentBotApplication(new() { ["Incidents:GroupByLabel"] = "service" });

        await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await app.PostRawAsync("/webhooks/generic", """{"title":"Orders DB replication broken","dedupKey":"repl","labels":{"service":"orders-db"},"severity":"warning"}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Search slow","dedupKey":"search","labels":{"service":"search"}}""");
        await app.WaitForProcessingAsync();

        var incidents = await app.ListIncidentsAsync();
        Assert.Equal(2, incidents.Count);
        var orders = incidents.Single(i => i.Service == "orders-db");
        Assert.Equal(2, orders.AlertCount);
        Assert.Equal(["alertmanager", "generic"], (await app.GetIncidentAsync(orders.Number)).Alerts!.Select(a => a.Source).Order());
    }

    private static async Task<HttpResponseMessage> PostAsync(IncidentBotApplication app, string source, string body, (string Name, string Value)? header = null, string? remoteIp = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{source}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value);
        }
        if (remoteIp is not null)
        {
            request.Headers.Add(IncidentBotApplication.RemoteIpHeader, remoteIp);
        }
        return await app.CreateClient().SendAsync(request);
    }

    private static string Hex(string secret, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
}
