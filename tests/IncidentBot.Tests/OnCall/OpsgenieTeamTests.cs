using IncidentBot.OnCall;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>
/// <c>opsgenie:team/&lt;name&gt;</c>, what the <c>opsgenie.com/team</c> annotation asks: the team's enabled schedules from
/// <c>GET /v2/schedules</c> (by <c>ownerTeam</c> name or id), in name order, each asked who is on call.
/// </summary>
public sealed class OpsgenieTeamTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private FakeOpsgenie _og = null!;
    private OnCallHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _og = await FakeOpsgenie.StartAsync();
        _harness = OnCallHarness.Create(OnCallHarness.Settings(opsgenie: _og));
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        await _og.DisposeAsync();
    }

    private Task<OnCallAnswer> AskAsync(string team) =>
        _harness.Source("opsgenie").WhoIsOnCallAsync(new OnCallTarget("opsgenie", "team", team), Now, CancellationToken.None);

    [Fact]
    public async Task TheTeamsSchedulesAreAskedInNameOrderAndTheFirstOnesPeopleComeFirst()
    {
        var secondary = Guid.NewGuid().ToString();
        var primary = Guid.NewGuid().ToString();
        _og.TeamSchedule("payments", secondary, "payments-secondary", [FakeOpsgenie.User("sam@example.com")], [FakeOpsgenie.User("nia@example.com")]);
        _og.TeamSchedule("payments", primary, "payments-primary", [FakeOpsgenie.User("pat@example.com"), FakeOpsgenie.User("sam@example.com")], [FakeOpsgenie.User("ned@example.com")]);
        _og.TeamSchedule("payments", Guid.NewGuid().ToString(), "payments-old", [FakeOpsgenie.User("old@example.com")], enabled: false);
        _og.TeamSchedule("search", Guid.NewGuid().ToString(), "search-primary", [FakeOpsgenie.User("other@example.com")]);
        _og.Schedule(Guid.NewGuid().ToString(), "no-owner", [FakeOpsgenie.User("nobody@example.com")]);

        var answer = await AskAsync("Payments");

        Assert.Equal(["pat@example.com", "sam@example.com"], answer.Now.Select(p => p.Email));
        Assert.All(answer.Now, p => Assert.Equal((1, "opsgenie"), (p.Level, p.Source)));
        Assert.Equal(["ned@example.com", "nia@example.com"], answer.Next.Select(p => p.Email));
        var calls = _og.Calls;
        Assert.Equal("/v2/schedules", calls[0].Path);
        Assert.Equal($"/v2/schedules/{primary}/on-calls", calls[1].Path);
        Assert.Equal("id", calls[1]["scheduleIdentifierType"]);
        Assert.DoesNotContain(calls, c => c.Path.Contains("old", StringComparison.Ordinal) || c.Path.Contains("search", StringComparison.Ordinal));
        Assert.Equal(5, calls.Count);
    }

    [Fact]
    public async Task TheTeamMayBeNamedByItsId()
    {
        _og.TeamSchedule("payments", Guid.NewGuid().ToString(), "payments-primary", [FakeOpsgenie.User("pat@example.com")]);

        Assert.Equal("pat@example.com", Assert.Single((await AskAsync("team-payments")).Now).Email);
    }

    [Fact]
    public async Task ATeamWithoutSchedulesSaysSo()
    {
        _og.TeamSchedule("search", Guid.NewGuid().ToString(), "search-primary", [FakeOpsgenie.User("other@example.com")]);

        var failed = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync("payments"));

        Assert.Equal("team payments owns no enabled schedule the API key can see", failed.Problem);
    }

    [Fact]
    public async Task AtMostFiveSchedulesOfATeamAreAsked()
    {
        for (var i = 0; i < 8; i++)
        {
            _og.TeamSchedule("big", Guid.NewGuid().ToString(), $"big-{i}", [FakeOpsgenie.User($"p{i}@example.com")]);
        }

        var answer = await AskAsync("big");

        Assert.Equal(["p0@example.com", "p1@example.com", "p2@example.com", "p3@example.com", "p4@example.com"], answer.Now.Select(p => p.Email));
    }

    [Fact]
    public async Task TheDirectoryAsksATeamAsAnyTarget()
    {
        _og.TeamSchedule("payments", Guid.NewGuid().ToString(), "payments-primary", [FakeOpsgenie.User("pat@example.com")]);

        var lookup = await _harness.Directory.LookupAsync(new OnCallRequest([new OnCallTarget("opsgenie", "team", "payments")], null, null), CancellationToken.None);

        Assert.Equal("opsgenie:team/payments", lookup.AnsweredBy);
        Assert.Empty(lookup.Failures);
        Assert.Equal("pat@example.com", Assert.Single(lookup.Now).Email);
    }
}
