using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>Requests the bot must refuse, each with a specific answer, and with nothing stored.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class WebhookRejectionTests
{
    private static readonly Dictionary<string, string?> WithToken = new() { ["Webhooks:Sources:alertmanager:BearerToken"] = "s3cret-token" };

    [Fact]
    public async Task CorrectBearerTokenIsAcceptedFromAnywhere()
    {
        await using var app = new IncidentBotApplication(WithToken);

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"), bearer: "s3cret-token", remoteIp: "203.0.113.7");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("wrong-token", "do not match")]
    [InlineData(null, "no Authorization header")]
    public async Task WrongOrMissingTokenIsRefusedAndNothingIsStored(string? token, string reason)
    {
        await using var app = new IncidentBotApplication(WithToken);

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"), bearer: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(reason, body);
        Assert.DoesNotContain("s3cret-token", body);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task BasicCredentialsAreChecked()
    {
        await using var app = new IncidentBotApplication(new() { ["Webhooks:Sources:generic:BasicUser"] = "grafana", ["Webhooks:Sources:generic:BasicPassword"] = "pw" });
        var client = app.CreateClient();

        async Task<HttpStatusCode> PostAs(string user, string password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/generic") { Content = new StringContent("""{"title":"x"}""", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            request.Headers.Add(IncidentBotApplication.RemoteIpHeader, "198.51.100.1");
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Accepted, await PostAs("grafana", "pw"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAs("grafana", "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAs("someone", "pw"));
    }

    [Fact]
    public async Task SourceWithoutCredentialsAcceptsOnlyLoopbackCallers()
    {
        await using var app = new IncidentBotApplication();
        var body = Fixtures.Read("alerts/alertmanager/firing-two-alerts.json");

        var remote = await app.PostRawAsync("/webhooks/alertmanager", body, remoteIp: "192.0.2.10");
        Assert.Equal(HttpStatusCode.Unauthorized, remote.StatusCode);
        Assert.Contains("Webhooks:Sources:alertmanager:BearerToken", await remote.Content.ReadAsStringAsync());
        await AssertNothingStoredAsync(app);

        var local = await app.PostRawAsync("/webhooks/alertmanager", body, remoteIp: "::1");
        Assert.Equal(HttpStatusCode.Accepted, local.StatusCode);
    }

    [Theory]
    [InlineData("{\"alerts\": [", "Malformed JSON")]
    [InlineData("not json at all", "Malformed JSON")]
    [InlineData("{\"receiver\":\"x\"}", "'alerts' is required.")]
    [InlineData("{\"groupKey\":\"g\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}},{\"labels\":{}}]}", "alerts[1].status")]
    public async Task MalformedOrIncompletePayloadIs400NamingTheProblemAndStoresNothing(string body, string expected)
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/alertmanager", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task BodyOverTheLimitIs413WhetherOrNotContentLengthIsSent()
    {
        await using var app = new IncidentBotApplication(new() { ["Webhooks:MaxBodyBytes"] = "2048" });
        var big = "{\"title\":\"" + new string('x', 4096) + "\"}";

        var withLength = await app.PostRawAsync("/webhooks/generic", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Contains("Webhooks:MaxBodyBytes", await withLength.Content.ReadAsStringAsync());

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/webhooks/generic") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) };
        chunked.Headers.TransferEncodingChunked = true;
        var withoutLength = await app.CreateClient().SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength.StatusCode);

        await AssertNothingStoredAsync(app);
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/generic", """{"title":"small"}""")).StatusCode);
    }

    [Fact]
    public async Task UnknownSourceIs404ListingTheKnownOnes()
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/nagios", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("alertmanager, generic", await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertNothingStoredAsync(IncidentBotApplication app)
    {
        await Task.Delay(100);
        Assert.Equal(0, await app.Inbox.PendingCountAsync());
        Assert.Empty(await app.ListIncidentsAsync());
    }
}
