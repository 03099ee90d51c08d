using System.Net;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Hosting;

/// <summary>
/// Who counts as one client for the request budgets (<c>ClientLimits:*</c>), and which requests count where: the
/// API and webhooks are budgets apart, health checks are never limited. In memory, each request's remote address
/// set by <see cref="IncidentBotApplication.RemoteIpHeader"/>; the real-process behaviour is <c>ClientLimitsTests</c>.
/// </summary>
public sealed class ClientRequestBudgetTests
{
    private static readonly Dictionary<string, string?> Tight = new()
    {
        ["ClientLimits:RequestBurst"] = "3",
        ["ClientLimits:RequestsPerSecond"] = "1",
        ["ClientLimits:WebhookBurst"] = "3",
        ["ClientLimits:WebhooksPerSecond"] = "1",
        // Clients off loopback are served only with the token, so that only the budget decides here.
        ["WebConsole:AccessToken"] = Token,
    };

    private const string Token = "budget-test-token-0123456789abcdef";

    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7", true)]
    [InlineData("198.51.100.7", "198.51.100.8", false)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("2001:db8::1", "2001:db8::2", true)]
    [InlineData("2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8::1", "2001:db8:0:1::1", false)]
    [InlineData("2001:db8:aaaa:bbbb::1", "2001:db8:aaaa:bbbb:1234:5678:9abc:def0", true)]
    [InlineData("2001:db8:aaaa:bbbb::1", "2001:db8:aaaa:bbbc::1", false)]
    public async Task AClientIsAnIPv4AddressOrAnIPv6Slash64(string first, string second, bool sameClient)
    {
        await using var app = new IncidentBotApplication(Tight);
        var client = app.CreateClient();

        // The first address spends its whole budget.
        var spent = false;
        for (var i = 0; i < 10 && !spent; i++)
        {
            spent = (await GetAsync(client, "/api/incidents", first)).StatusCode == HttpStatusCode.TooManyRequests;
        }
        Assert.True(spent, $"{first} was never refused");

        // The second has a budget of its own (two requests fit) unless it is the same client (a refill gives at most one).
        var answers = new[] { await GetAsync(client, "/api/incidents", second), await GetAsync(client, "/api/incidents", second) };
        Assert.Equal(!sameClient, answers.All(a => a.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task HealthChecksAreNeverLimitedAndWebhooksHaveABudgetApartFromTheApi()
    {
        await using var app = new IncidentBotApplication(Tight);
        var client = app.CreateClient();
        // On loopback, so the generic source takes its alerts without credentials.
        const string greedy = "127.0.0.9";

        HttpResponseMessage refused;
        do
        {
            refused = await GetAsync(client, "/api/incidents", greedy);
        }
        while (refused.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ClientLimits:RequestsPerSecond", await refused.Content.ReadAsStringAsync());

        // Probes get through whatever the client's budget says.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, i % 2 == 0 ? "/healthz" : "/readyz", greedy)).StatusCode);
        }

        // Webhooks draw on their own budget: the alert is accepted although the API budget is spent.
        Assert.Equal(HttpStatusCode.Accepted, (await PostAlertAsync(app, greedy, 0)).StatusCode);
        HttpResponseMessage webhook;
        var sent = 1;
        do
        {
            webhook = await PostAlertAsync(app, greedy, sent++);
        }
        while (webhook.StatusCode == HttpStatusCode.Accepted && sent < 20);
        Assert.Equal(HttpStatusCode.TooManyRequests, webhook.StatusCode);
        Assert.Contains("ClientLimits:WebhooksPerSecond", await webhook.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string remoteIp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(IncidentBotApplication.RemoteIpHeader, remoteIp);
        request.Headers.Authorization = new("Bearer", Token);
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostAlertAsync(IncidentBotApplication app, string remoteIp, int n) =>
        app.PostRawAsync("/webhooks/generic", $$"""{"title":"Budget {{n}}","dedupKey":"budget"}""", remoteIp: remoteIp);
}
