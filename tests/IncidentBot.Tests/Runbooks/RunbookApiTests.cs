using System.Net;
using System.Text.Json;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Runbooks;

/// <summary><c>/api/runbooks</c>: good runbooks keep working beside broken files, which are listed with their errors.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class RunbookApiTests
{
    [Fact]
    public async Task ListHasEveryShippedRunbookWithItsMatchAndStepCount()
    {
        await using var app = new IncidentBotApplication();

        var list = await GetJsonAsync(app, "/api/runbooks");

        var ids = list.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(["database-failover", "deploy-error-spike", "disk-filling-up", "queue-backlog", "third-party-outage", "tls-certificate-expiring"], ids);
        var failover = list.EnumerateArray().First();
        Assert.Equal("PostgresPrimaryDown", failover.GetProperty("match").GetProperty("alertname").GetString());
        Assert.Equal(7, failover.GetProperty("stepCount").GetInt32());
        Assert.Empty(failover.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task OneRunbookComesWithHtmlStepsAndItsMarkdown()
    {
        await using var app = new IncidentBotApplication();

        var runbook = await GetJsonAsync(app, "/api/runbooks/database-failover");

        var steps = runbook.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal("Confirm the primary is down", steps[0].GetProperty("title").GetString());
        Assert.Contains("<pre><code class=\"language-bash\">", steps[0].GetProperty("html").GetString());
        Assert.Contains("Primary unreachable from two vantage points", steps[0].GetProperty("checklist").EnumerateArray().Select(c => c.GetString()));
        Assert.StartsWith("---\nid: database-failover", runbook.GetProperty("markdown").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/api/runbooks/nope")).StatusCode);
    }

    [Fact]
    public async Task BrokenFileIsListedWithFileAndLineWhileGoodOnesWork()
    {
        var folder = Directory.CreateTempSubdirectory("runbooks-broken-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "good.md"), "---\nid: good\ntitle: Good\nmatch:\n  alertname: GoodAlert\n---\n# Good\n## Step one\nDo it.\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "broken.md"), "---\nid: broken\ntitle: Broken\nflavour: spicy\n---\n# Broken\n## Step\nx\n");
        await using var app = new IncidentBotApplication(new() { ["Runbooks:Path"] = folder });

        var list = (await GetJsonAsync(app, "/api/runbooks")).EnumerateArray().ToList();
        var started = await app.CommandAsync(null, "alice", "declare Test sev4");
        var start = await app.CommandAsync(1, "alice", "runbook start good");

        var broken = list.Single(r => r.GetProperty("file").GetString() == "broken.md");
        Assert.Equal(JsonValueKind.Null, broken.GetProperty("id").ValueKind);
        var error = Assert.Single(broken.GetProperty("errors").EnumerateArray());
        Assert.Equal(4, error.GetProperty("line").GetInt32());
        Assert.Contains("unknown front-matter key `flavour`", error.GetProperty("message").GetString());
        Assert.True(start.Ok);

        await File.WriteAllTextAsync(Path.Combine(folder, "broken.md"), "---\nid: broken\ntitle: Fixed\n---\n# Fixed\n## Step\nx\n");
        await Eventually.TrueAsync(async () => (await GetJsonAsync(app, "/api/runbooks")).EnumerateArray().All(r => r.GetProperty("errors").GetArrayLength() == 0), "the fixed file to load");
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<JsonElement> GetJsonAsync(IncidentBotApplication app, string path)
    {
        var response = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
