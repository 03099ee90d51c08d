using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// Who runs a Slack command: the user's name, and the e-mail Slack vouches for (<c>users.info</c>'s
/// <c>profile.email</c>, which needs the <c>users:read.email</c> scope), which roles are granted by. The actor the
/// command runs as is read from the log line the adapter writes for each command (its <c>Email</c> field).
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackIdentityTests
{
    [Fact]
    public async Task ASlashCommandRunsWithTheEmailSlackVouchesForLookedUpOncePerUser()
    {
        var logs = new FakeLogCollector();
        await using var slack = await StartAsync(logs);

        // Sent together, as a burst of commands comes: alice's two share one look-up.
        var answers = await Task.WhenAll(
            slack.SlashCommandAsync("C0NOWHERE", "U0ALICE", "alice", "declare Checkout is down sev2"),
            slack.SlashCommandAsync("C0NOWHERE", "U0ALICE", "alice", "help"),
            slack.SlashCommandAsync("C0NOWHERE", "U0BOB", "bob", "help"));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Response.StatusCode));
        await WaitForCommandsAsync(logs, 3);
        // Commands run concurrently: their lines come in any order.
        Assert.Equal([("alice", "alice@example.com"), ("alice", "alice@example.com"), ("bob", "bob@example.com")],
            Commands(logs).OrderBy(c => c.User, StringComparer.Ordinal));
        // One users.info per person, however many commands they run.
        Assert.Equal(2, slack.Slack.CallsTo("users.info").Count);
        Assert.Single(await slack.App.ListIncidentsAsync());
    }

    [Fact]
    public async Task AnAppMentionRunsWithTheEmailOfTheUserWhoMentioned()
    {
        var logs = new FakeLogCollector();
        await using var slack = await StartAsync(logs);
        var channel = await SlackHttp.CreateChannelAsync(slack.Slack, "general");
        var callback = JsonNode.Parse(Fixtures.Read("slack/events-app-mention.json"))!.AsObject();
        callback["event"]!["channel"] = channel;
        callback["event"]!["user"] = "U0BOB";
        callback["event"]!["text"] = "<@U0FAKEBOT> help";

        var (response, _) = await slack.PostSignedAsync("/slack/events", callback.ToJsonString(), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitForCommandsAsync(logs, 1);
        Assert.Equal(("bob", "bob@example.com"), (Commands(logs)[0].User, Commands(logs)[0].Email));
    }

    public static TheoryData<string[], string> MissingScopes => new()
    {
        // users:read but not users:read.email: Slack answers without the e-mail.
        { ["users:read"], "users:read.email" },
        // Neither: users.info fails with missing_scope.
        { [], "missing_scope" },
    };

    [Theory]
    [MemberData(nameof(MissingScopes))]
    public async Task WithoutTheEmailScopeTheCommandStillRunsWithoutAnEmailAndTheLogSaysWhy(string[] scopes, string because)
    {
        var logs = new FakeLogCollector();
        await using var slack = await StartAsync(logs, new FakeSlackOptions { UserScopes = scopes });

        await slack.SlashCommandAsync("C0NOWHERE", "U0ALICE", "alice", "declare Checkout is down sev2");

        await WaitForCommandsAsync(logs, 1);
        Assert.Equal(("alice", "no proven e-mail"), (Commands(logs)[0].User, Commands(logs)[0].Email));
        Assert.Single(await slack.App.ListIncidentsAsync());
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Category!.EndsWith("SlackUsers", StringComparison.Ordinal));
        Assert.Contains(because, warning.Message);
        Assert.Contains("U0ALICE", warning.Message);
    }

    [Fact]
    public async Task AFailedLookUpIsNotKeptSoTheNextCommandHasTheEmail()
    {
        var logs = new FakeLogCollector();
        await using var slack = await StartAsync(logs);
        slack.Slack.FailNext("users.info", 1, statusCode: 500);

        await slack.SlashCommandAsync("C0NOWHERE", "U0ALICE", "alice", "declare Checkout is down sev2");
        await WaitForCommandsAsync(logs, 1);
        // Another text: one body signed in the same second is taken for a redelivery.
        await slack.SlashCommandAsync("C0NOWHERE", "U0ALICE", "alice", "declare Search is slow sev3");
        await WaitForCommandsAsync(logs, 2);

        Assert.Equal(["no proven e-mail", "alice@example.com"], Commands(logs).Select(c => c.Email));
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("Could not look up the e-mail of Slack user U0ALICE", StringComparison.Ordinal));
    }

    private static Task<SlackHarness> StartAsync(FakeLogCollector logs, FakeSlackOptions? options = null) =>
        SlackHarness.StartAsync(options, services: s => s.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs)));

    /// <summary>Waits for the adapter's line of <paramref name="count"/> commands; if they never come, says what the log said instead.</summary>
    private static async Task WaitForCommandsAsync(FakeLogCollector logs, int count)
    {
        try
        {
            await Eventually.TrueAsync(() => Commands(logs).Count == count, $"{count} command(s)");
        }
        catch (Xunit.Sdk.XunitException)
        {
            var said = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning || r.Category?.Contains("Slack", StringComparison.Ordinal) == true)
                .Select(r => $"{r.Level} {r.Category}: {r.Message}{(r.Exception is null ? "" : " " + r.Exception)}");
            Assert.Fail($"{Commands(logs).Count} of {count} commands ran; the log said:\n{string.Join("\n", said)}");
        }
    }

    /// <summary>The adapter's line for each command it ran: who, and with which proven e-mail.</summary>
    private static List<(string? User, string? Email)> Commands(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(r => r.Message.StartsWith("Slack command from ", StringComparison.Ordinal))
            .Select(r => (r.StructuredState!.Single(s => s.Key == "User").Value, r.StructuredState!.Single(s => s.Key == "Email").Value)).ToList();
}
