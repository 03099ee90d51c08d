using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// Who runs a Teams command: <c>from.name</c>, and the e-mail Entra ID has for them, read from the Bot Connector
/// (<c>GET …/v3/conversations/{id}/members/{userId}</c>: <c>email</c>, else <c>userPrincipalName</c>), once per user.
/// The actor the command runs as is read from the log line the adapter writes for each command (its <c>Email</c> field).
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TeamsIdentityTests
{
    // The published card-submit activity's sender.
    private const string DaveId = "29:1CFIxRJBLjT_io3iNsDZxMk_4YPWQmr3DZUM1I6ihf5L2ocCDqg9S1vkHK6kRdGfK1P_2LFE2nQqFIvdu-GBOZA";
    private const string DaveObjectId = "6b703ce3-6d14-4fe6-b90c-dc5f03657ae4";

    [Fact]
    public async Task ACommandRunsWithTheEmailTeamsHasForTheSenderLookedUpOnce()
    {
        var logs = new FakeLogCollector();
        await using var teams = await StartAsync(logs);
        teams.Connector.AddMember(new(DaveId, "Dave Taniguchi", DaveObjectId, "dave@contoso.example", "dave.t@contoso.example"));

        Assert.Equal(HttpStatusCode.OK, (await teams.SendAsync(Command(teams, "declare Checkout is down sev2", "1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teams.SendAsync(Command(teams, "help", "2"))).StatusCode);

        await Eventually.TrueAsync(() => Commands(logs).Count == 2, "both commands");
        Assert.Equal([("Dave Taniguchi", "dave@contoso.example"), ("Dave Taniguchi", "dave@contoso.example")], Commands(logs));
        Assert.Equal([DaveId], teams.Connector.MemberLookups);
        Assert.Single(await teams.App.ListIncidentsAsync());
    }

    [Fact]
    public async Task WithoutAnEmailTheUserPrincipalNameIsTheAddress()
    {
        var logs = new FakeLogCollector();
        await using var teams = await StartAsync(logs);
        teams.Connector.AddMember(new(DaveId, "Dave Taniguchi", DaveObjectId, Email: null, "dave.t@contoso.example"));

        await teams.SendAsync(Command(teams, "help", "1"));

        await Eventually.TrueAsync(() => Commands(logs).Count == 1, "the command");
        Assert.Equal(("Dave Taniguchi", "dave.t@contoso.example"), Commands(logs)[0]);
    }

    [Theory]
    [InlineData(403, "would not describe")]
    [InlineData(404, "would not describe")]
    [InlineData(500, "Could not look up")]
    [InlineData(null, "no e-mail or user principal name")]
    public async Task ALookUpThatFailsLeavesTheEmailOutTheCommandStillRunsAndTheLogSaysWhy(int? status, string because)
    {
        var logs = new FakeLogCollector();
        await using var teams = await StartAsync(logs);
        // Known, but with neither an e-mail nor an address as UPN (a guest, say), unless the look-up fails first.
        teams.Connector.AddMember(new(DaveId, "Dave Taniguchi", DaveObjectId, Email: null, UserPrincipalName: "dave_contoso#EXT#"));
        teams.Connector.FailMemberLookups(status);

        Assert.Equal(HttpStatusCode.OK, (await teams.SendAsync(Command(teams, "declare Checkout is down sev2", "1"))).StatusCode);

        await Eventually.TrueAsync(() => Commands(logs).Count == 1, "the command");
        Assert.Equal(("Dave Taniguchi", "no proven e-mail"), Commands(logs)[0]);
        Assert.Single(await teams.App.ListIncidentsAsync());
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Category!.EndsWith("TeamsMembers", StringComparison.Ordinal));
        Assert.Contains(because, warning.Message);
        Assert.Contains(DaveId, warning.Message);
    }

    [Fact]
    public async Task AnUnknownSenderIs404AndTheRefusalIsKeptForAWhile()
    {
        var logs = new FakeLogCollector();
        await using var teams = await StartAsync(logs);

        await teams.SendAsync(Command(teams, "help", "1"));
        await teams.SendAsync(Command(teams, "help", "2"));

        await Eventually.TrueAsync(() => Commands(logs).Count == 2, "both commands");
        Assert.All(Commands(logs), c => Assert.Equal("no proven e-mail", c.Email));
        Assert.Single(teams.Connector.MemberLookups);
    }

    private static Task<TeamsHarness> StartAsync(FakeLogCollector logs) =>
        TeamsHarness.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs)));

    /// <summary>The published card-submit activity (Action.Submit), carrying <paramref name="command"/>, with its own id.</summary>
    private static JsonObject Command(TeamsHarness teams, string command, string id)
    {
        var activity = teams.Fixture("message-card-submit-value.json");
        activity["id"] = "f:identity-" + id;
        activity["value"] = new JsonObject { ["command"] = command };
        return activity;
    }

    private static List<(string? User, string? Email)> Commands(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(r => r.Message.StartsWith("Teams command from ", StringComparison.Ordinal))
            .Select(r => (r.StructuredState!.Single(s => s.Key == "User").Value, r.StructuredState!.Single(s => s.Key == "Email").Value)).ToList();
}
