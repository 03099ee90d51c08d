using System.Net;
using System.Net.Http.Json;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.WebConsole;

/// <summary>
/// State-changing API calls take only their own content types. text/plain, forms and multipart are what a page on
/// another site can send without asking first, so every state-changing endpoint refuses each of them with 415.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ApiContentTypeTests
{
    /// <summary>Every state-changing API endpoint, with a body it would take.</summary>
    private static readonly (string Method, string Path, string Body)[] Endpoints =
    [
        ("POST", "/api/incidents", """{"title":"Declared by a form","user":"mallory"}"""),
        ("POST", "/api/commands", """{"user":"mallory","text":"declare Declared by a form sev1"}"""),
        ("POST", "/api/incidents/1/commands", """{"user":"mallory","text":"resolve"}"""),
        ("POST", "/api/incidents/1/room", """{"user":"mallory","text":"resolve"}"""),
        ("POST", "/api/drills", """{"cron":"0 0 10 ? * TUE","runbook":"database-failover","user":"lead"}"""),
        ("POST", "/api/drills/run", """{"runbook":"database-failover","user":"lead"}"""),
        ("PUT", "/api/incidents/1/rca", "# overwritten"),
        ("POST", "/api/admin/backup", ""),
        ("DELETE", "/api/drills/some-id", ""),
    ];

    /// <summary>The content types a cross-site page can send without a CORS preflight, and others no endpoint takes.</summary>
    private static readonly string[] Refused =
    [
        "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "TEXT/PLAIN", "text/html", "application/xml", "application/octet-stream", "not a media type",
    ];

    public static TheoryData<string, string, string> StateChangingEndpoints()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (method, path, body) in Endpoints)
        {
            data.Add(method, path, body);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(StateChangingEndpoints))]
    public async Task OtherContentTypesAreRefusedWith415AndChangeNothing(string method, string path, string body)
    {
        await using var app = new IncidentBotApplication(new() { ["Drills:Leads:0"] = "lead" });
        await app.CommandAsync(null, "alice", "declare Search is slow sev3");

        foreach (var contentType in Refused)
        {
            var response = await SendAsync(app, method, path, body, contentType);

            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{method} {path} as {contentType}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Unsupported content type", await response.Content.ReadAsStringAsync());
        }
        var incidents = await app.ListIncidentsAsync();
        Assert.Single(incidents);
        Assert.Equal("Search is slow", incidents[0].Title);
        Assert.NotEqual("resolved", incidents[0].Status.ToLowerInvariant());
        Assert.Empty(await app.CreateClient().GetFromJsonAsync<List<object>>("/api/drills") ?? []);
    }

    [Theory]
    [InlineData("POST", "/api/incidents")]
    [InlineData("POST", "/api/commands")]
    [InlineData("POST", "/api/incidents/1/commands")]
    [InlineData("POST", "/api/incidents/1/room")]
    [InlineData("POST", "/api/drills")]
    [InlineData("POST", "/api/drills/run")]
    [InlineData("PUT", "/api/incidents/1/rca")]
    public async Task ABodyWithoutAContentTypeIsRefused(string method, string path)
    {
        await using var app = new IncidentBotApplication();

        var response = await SendAsync(app, method, path, "{}", null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/api/incidents", """{"title":"Declared","user":"alice"}""", "application/json", HttpStatusCode.Created)]
    [InlineData("POST", "/api/incidents", """{"title":"Declared","user":"alice"}""", "application/json; charset=utf-8", HttpStatusCode.Created)]
    [InlineData("POST", "/api/incidents", """{"title":"Declared","user":"alice"}""", "Application/JSON", HttpStatusCode.Created)]
    [InlineData("POST", "/api/admin/backup", "", null, HttpStatusCode.OK)]
    [InlineData("POST", "/api/admin/backup", "", "application/json", HttpStatusCode.OK)]
    [InlineData("DELETE", "/api/drills/no-such-drill", "", "application/json", HttpStatusCode.Forbidden)] // the handler's own answer: not a lead
    public async Task TheirOwnContentTypesAreTaken(string method, string path, string body, string? contentType, HttpStatusCode expected)
    {
        await using var app = new IncidentBotApplication();

        var response = await SendAsync(app, method, path, body, contentType);

        // The content type was taken; on PostgreSQL the backup endpoint then answers 409 with the pg_dump command.
        Assert.Equal(path == "/api/admin/backup" && TestStore.IsPostgres ? HttpStatusCode.Conflict : expected, response.StatusCode);
    }

    [Fact]
    public async Task AReviewIsSavedAsMarkdown()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Search is slow sev3");
        await app.CommandAsync(1, "alice", "rca");
        var client = app.CreateClient();
        await Eventually.TrueAsync(async () => (await client.GetAsync("/api/incidents/1/rca")).StatusCode == HttpStatusCode.OK, "the review");
        var etag = (await client.GetAsync("/api/incidents/1/rca")).Headers.ETag!.Tag;

        var asText = await SendAsync(app, "PUT", "/api/incidents/1/rca", "# as text", "text/plain", etag);
        var asMarkdown = await SendAsync(app, "PUT", "/api/incidents/1/rca", "# as markdown", "text/markdown; charset=utf-8", etag);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, asText.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, asMarkdown.StatusCode);
        Assert.Equal("# as markdown", await client.GetStringAsync("/api/incidents/1/rca"));
    }

    private static async Task<HttpResponseMessage> SendAsync(IncidentBotApplication app, string method, string path, string body, string? contentType, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is not null || body.Length > 0)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = null;
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await app.CreateClient().SendAsync(request);
    }
}
