using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Rca;

/// <summary>Reviews over HTTP: written on resolve, versioned, safe against concurrent edits, completed, exported.</summary>
public sealed class RcaApiTests
{
    [Fact]
    [Trait(StoreTrait.Name, StoreTrait.Any)]
    public async Task ResolvingWritesTheReviewWithItsVersionAsTheETag()
    {
        await using var app = await ResolvedIncidentAsync();
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetAsync("/api/incidents/1/rca")).StatusCode == HttpStatusCode.OK, "the review");

        var response = await app.CreateClient().GetAsync("/api/incidents/1/rca");

        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var markdown = await response.Content.ReadAsStringAsync();
        Assert.Contains("INC-1", markdown);
        Assert.Contains("Checkout is down", markdown);
        Assert.Contains("add a canary @bob", markdown.Replace("add a canary (owner: bob)", "add a canary @bob"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("To fill", markdown);
    }

    [Fact]
    [Trait(StoreTrait.Name, StoreTrait.Any)]
    public async Task EditsNeedIfMatchAndAConcurrentEditIsRefused()
    {
        await using var app = await ResolvedIncidentAsync();
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetAsync("/api/incidents/1/rca")).StatusCode == HttpStatusCode.OK, "the review");
        var client = app.CreateClient();

        var withoutIfMatch = await client.PutAsync("/api/incidents/1/rca", Markdown("# edited"));
        var first = await PutAsync(client, "\"1\"", "# Alice's edit", "alice");
        var stale = await PutAsync(client, "\"1\"", "# Bob's edit from the old version", "bob");
        var versions = await client.GetStringAsync("/api/incidents/1/rca/versions");

        Assert.Equal(HttpStatusCode.PreconditionRequired, withoutIfMatch.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal("\"2\"", first.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Contains("Someone saved version 2 (alice)", await stale.Content.ReadAsStringAsync());
        Assert.Equal("# Alice's edit", await client.GetStringAsync("/api/incidents/1/rca"));
        Assert.Contains("\"version\":1", versions);
        Assert.Contains("\"version\":2,\"author\":\"alice\"", versions);
    }

    [Fact]
    [Trait(StoreTrait.Name, StoreTrait.Any)]
    public async Task CompletingTheReviewClosesTheIncidentButOnlyForTheCommanderOrALead()
    {
        await using var app = await ResolvedIncidentAsync();
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetAsync("/api/incidents/1/rca")).StatusCode == HttpStatusCode.OK, "the review");

        var stranger = await app.CommandAsync(1, "mallory", "rca complete");
        var commander = await app.CommandAsync(1, "alice", "rca complete");

        Assert.False(stranger.Ok);
        Assert.Contains("`rca complete` needs the lead role (Access:Leads)", stranger.AllText);
        Assert.Contains("The incident commander (@alice) may too", stranger.AllText);
        Assert.True(commander.Ok, commander.AllText);
        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("closed", incident.Status);
        Assert.Contains(incident.Timeline!, t => t.Kind == "closed");
    }

    [Fact]
    [Trait(StoreTrait.Name, StoreTrait.Any)]
    public async Task RcaCommandWritesANewVersionOnDemand()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Search is slow sev3");

        var reply = await app.CommandAsync(1, "alice", "rca");

        Assert.Contains("Wrote version 1 of the INC-1 review", reply.AllText);
        Assert.Contains("Search is slow", await app.CreateClient().GetStringAsync("/api/incidents/1/rca"));
    }

    [Fact]
    [Trait(StoreTrait.Name, StoreTrait.LiteDb)]
    public async Task ExportWritesOneFilePerReviewNamedByNumberAndSlug()
    {
        var data = Directory.CreateTempSubdirectory("incidentbot-export-").FullName;
        var folder = Path.Combine(data, "reviews");
        try
        {
            await using (var app = new IncidentBotApplication(dataFolder: data))
            {
                await app.CommandAsync(null, "alice", "declare Checkout is down sev1");
                await app.CommandAsync(1, "alice", "rca");
            }

            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { BotProcess.HostAssembly(), "rca", "export", folder })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["Storage__Path"] = Path.Combine(data, "incidentbot.db");
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.Equal(0, process.ExitCode);
            Assert.Contains("1 review(s) written", output);
            var file = Assert.Single(Directory.GetFiles(folder));
            Assert.Equal("INC-0001-checkout-is-down.md", Path.GetFileName(file));
            Assert.Contains("Checkout is down", await File.ReadAllTextAsync(file));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    [Trait(StoreTrait.Name, StoreTrait.LiteDb)]
    public async Task ExportRefusesWhileAnotherProcessHasTheDataFileOpen()
    {
        using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Checkout is down sev1");
        var folder = Path.Combine(app.DataFolder, "reviews");

        var result = await BotTool.RunAsync(app.DataFolder, new Dictionary<string, string> { ["Storage:Path"] = Path.Combine(app.DataFolder, "incidentbot.db") }, "rca", "export", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is open in another process, most likely the running bot. Stop it first", result.Errors);
        Assert.False(Directory.Exists(folder));
    }

    private static async Task<IncidentBotApplication> ResolvedIncidentAsync()
    {
        var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Checkout is down sev1");
        await app.CommandAsync(1, "alice", "role commander");
        await app.CommandAsync(1, "alice", "ack");
        await app.CommandAsync(1, "alice", "action add a canary @bob");
        await app.CommandAsync(1, "alice", "resolve rolled back");
        return app;
    }

    private static StringContent Markdown(string text) => new(text, Encoding.UTF8, "text/markdown");

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string etag, string text, string user)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/incidents/1/rca?user={user}") { Content = Markdown(text) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        return client.SendAsync(request);
    }
}
