using System.Diagnostics;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Hosting;

/// <summary>A mistaken configuration stops the real process before it opens anything, listing every problem with its key.</summary>
public sealed class ConfigurationCheckTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-config-").FullName;

    [Fact]
    public async Task EveryKindOfMistakeIsListedAtOnceWithItsKeyAndTheProcessExitsWithCode78()
    {
        var (exitCode, output) = await RunAsync(new()
        {
            ["Drills__MisfireGrace"] = "an hour",                 // not a duration
            ["Outbox__Parallelism"] = "many",                     // not a number
            ["Incidents__AutoResolve"] = "yes",                   // not a boolean
            ["Incidents__DefaultSeverity"] = "Sev9",              // not one of the values
            ["Reminders__Intervals__Sev5"] = "00:10:00",          // a dictionary key that is not a severity
            ["Slack__SigningSecrett"] = "secret-value",           // a typo in a key
            ["Intake__BatchSize"] = "0",                          // a rule of the options themselves
            ["Teams__AppId"] = "00000000-0000-0000-0000-000000000001", // a rule across two keys
        });

        Assert.Equal(78, exitCode);
        Assert.Contains("IncidentBot cannot start: 8 configuration problem(s)", output);
        Assert.Contains("Drills:MisfireGrace: 'an hour' is not a duration as hh:mm:ss", output);
        Assert.Contains("Outbox:Parallelism: 'many' is not a whole number", output);
        Assert.Contains("Incidents:AutoResolve: 'yes' is not true or false", output);
        Assert.Contains("Incidents:DefaultSeverity: 'Sev9' is not one of Sev1, Sev2, Sev3, Sev4", output);
        Assert.Contains("Reminders:Intervals:Sev5: 'Sev5' is not one of Sev1, Sev2, Sev3, Sev4", output);
        Assert.Contains("Slack:SigningSecrett: not a setting of Slack; did you mean Slack:SigningSecret?", output);
        Assert.Contains("Intake:BatchSize must be between 1 and 10000.", output);
        Assert.Contains("Teams:AppPassword", output);
        Assert.DoesNotContain("secret-value", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.Empty(Directory.GetFiles(_data)); // refused before the data file was opened
    }

    [Fact]
    public async Task ARuleOfTheOptionsIsReportedWhenEverythingElseIsRight()
    {
        var (exitCode, output) = await RunAsync(new() { ["Slack__BotToken"] = "xoxb-1", ["Slack__ApiBaseUrl"] = "not a url" });

        Assert.Equal(78, exitCode);
        Assert.Contains("Slack:BotToken is set, so Slack needs Slack:SigningSecret", output);
        Assert.Contains("Slack:ApiBaseUrl must be an absolute URL", output);
    }

    [Fact]
    public async Task AccessEntriesThatNameNobodyAreRefusedWithTheirKeys()
    {
        var (exitCode, output) = await RunAsync(new()
        {
            ["Access__Leads__0"] = "lead@example.com",
            ["Access__Leads__1"] = " ",
            ["Access__Viewers__0"] = "*",
            ["Access__Responders__0"] = new string('a', 300),
        });
        var (typo, typoOutput) = await RunAsync(new() { ["Access__Admins__0"] = "root@example.com" });

        Assert.Equal(78, exitCode);
        Assert.Contains("Access:Leads:1 is empty: give an e-mail address or a group name or id.", output);
        Assert.Contains("Access:Viewers:0 is '*': there are no wildcards", output);
        Assert.Contains("Access:Responders:0 is 300 characters; an entry is at most 256.", output);
        Assert.Equal(78, typo);
        Assert.Contains("Access:Admins: not a setting of Access", typoOutput);
    }

    [Fact]
    public async Task TeamsServiceUrlsMustBeUrlPrefixesThatHoldTheDefaultOne()
    {
        var teams = new Dictionary<string, string> { ["Teams__AppId"] = "00000000-0000-0000-0000-000000000001", ["Teams__AppPassword"] = "p" };

        var (notAPrefix, notAPrefixOutput) = await RunAsync(new(teams) { ["Teams__AllowedServiceUrls__0"] = "smba.trafficmanager.net" });
        var (outside, outsideOutput) = await RunAsync(new(teams) { ["Teams__DefaultServiceUrl"] = "https://bots.example.com/" });

        Assert.Equal((78, 78), (notAPrefix, outside));
        Assert.Contains("Teams:AllowedServiceUrls must hold absolute http(s) URL prefixes", notAPrefixOutput);
        Assert.Contains("Teams:DefaultServiceUrl must lie under one of Teams:AllowedServiceUrls", outsideOutput);
    }

    [Fact]
    public async Task ASecondBotOnTheSameDataFileIsRefused()
    {
        await using var first = await BotProcess.StartAsync(_data);

        var (exitCode, output) = await RunAsync([]);

        Assert.Equal(78, exitCode);
        Assert.Contains("is open in another process, most likely a running IncidentBot", output);
        Assert.Contains("to run several replicas, move to PostgreSQL (Storage:Provider=postgres", output);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await first.Client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task AMissingSecretsFolderIsAProblemToo()
    {
        var (exitCode, output) = await RunAsync(new() { ["Secrets__Path"] = Path.Combine(_data, "no-such-folder") });

        Assert.Equal(78, exitCode);
        Assert.Contains("Secrets:Path: the folder", output);
    }

    [Fact]
    public async Task SecretsAreReadFromOneFilePerKey()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(_data, "secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "Webhooks__Sources__alertmanager__BearerToken"), "from-a-file");
        await using var app = new IncidentBotApplication(new() { ["Secrets:Path"] = secrets });

        var fromElsewhere = await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown, remoteIp: "10.1.2.3");
        var withTheSecret = await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown, bearer: "from-a-file", remoteIp: "10.1.2.3");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, fromElsewhere.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, withTheSecret.StatusCode);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment)
    {
        var start = BotProcess.StartInfo(_data, "http://127.0.0.1:0", environment);
        using var process = Process.Start(start)!;
        return await BotProcess.RunToExitAsync(process, "The bot started instead of refusing its configuration.");
    }
}
