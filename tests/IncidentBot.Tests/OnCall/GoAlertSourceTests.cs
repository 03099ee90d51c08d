using System.Text.Json.Nodes;
using IncidentBot.OnCall;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>The GoAlert source against a fake that, like GoAlert, runs each API key only with its own query document.</summary>
public sealed class GoAlertSourceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private FakeGoAlert _goAlert = null!;
    private OnCallHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _goAlert = await FakeGoAlert.StartAsync();
        _harness = OnCallHarness.Create(OnCallHarness.Settings(goAlert: _goAlert));
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        await _goAlert.DisposeAsync();
    }

    private Task<OnCallAnswer> AskAsync(string kind, string id) =>
        _harness.Source("goalert").WhoIsOnCallAsync(new OnCallTarget("goalert", kind, id), Now, CancellationToken.None);

    [Fact]
    public void TheDocumentsSentAreThePublishedOnesByteForByte()
    {
        Assert.Equal(Fixtures.Read("oncall/goalert/query-service-oncall-users.graphql"), IncidentBot.OnCall.Sources.GoAlertSource.ServiceQuery);
        Assert.Equal(Fixtures.Read("oncall/goalert/query-schedule-shifts.graphql"), IncidentBot.OnCall.Sources.GoAlertSource.ScheduleQuery);
    }

    [Fact]
    public async Task ServiceGivesItsOnCallUsersWithLevelsFromTheirSteps()
    {
        _goAlert.Service("svc-1", ("u2", "Bob", 1), ("u1", "Alice", 0), ("u3", "Cy", 0));

        var answer = await AskAsync("service", "svc-1");

        Assert.Equal([("Alice", 1), ("Cy", 1), ("Bob", 2)], answer.Now.Select(p => (p.Name, p.Level)));
        Assert.All(answer.Now, p => Assert.Null(p.Email));
        var call = _goAlert.Calls.Single();
        Assert.Equal("Bearer goalert-service-key", call.Authorization);
        Assert.Equal("svc-1", JsonNode.Parse(call.Body!)!["variables"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScheduleGivesShiftEndsAndWhoIsNextWithItsOwnKey()
    {
        _goAlert.Schedule("sched-1",
            ("u1", "Alice", Now.AddHours(-3), Now.AddHours(5)),
            ("u2", "Bob", Now.AddHours(5), Now.AddHours(29)),
            ("u3", "Cy", Now.AddDays(3), Now.AddDays(30)));

        var answer = await AskAsync("schedule", "sched-1");

        Assert.Equal([new OnCallPerson("Alice", null, 1, Now.AddHours(5), "goalert")], answer.Now);
        Assert.Equal([new OnCallPerson("Bob", null, 1, Now.AddHours(29), "goalert")], answer.Next);
        Assert.Equal("Bearer goalert-schedule-key", _goAlert.Calls.Single().Authorization);
    }

    [Fact]
    public async Task AShiftRunningPastTheWindowHasNoKnownEnd()
    {
        _goAlert.Schedule("sched-long", ("u1", "Alice", Now.AddDays(-1), Now.AddDays(60)));

        var answer = await AskAsync("schedule", "sched-long");

        Assert.Null(Assert.Single(answer.Now).ShiftEnds);
    }

    [Fact]
    public async Task AKeyMadeForTheOtherQueryIsRefusedAndSaidSo()
    {
        using var harness = OnCallHarness.Create(new Dictionary<string, string?>
        {
            ["OnCall:GoAlert:ApiKey"] = _goAlert.ApiKey,
            ["OnCall:GoAlert:BaseUrl"] = _goAlert.BaseUrl,
        });
        _goAlert.Schedule("sched-1", ("u1", "Alice", Now.AddHours(-3), Now.AddHours(5)));

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() =>
            harness.Source("goalert").WhoIsOnCallAsync(new OnCallTarget("goalert", "schedule", "sched-1"), Now, CancellationToken.None));

        Assert.Contains("API key is not valid for this query", refused.Problem);
    }

    [Theory]
    [InlineData("service")]
    [InlineData("schedule")]
    public async Task UnknownIdsAreNamedInTheProblem(string kind)
    {
        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync(kind, "nope"));

        Assert.Equal($"does not know {kind} nope", refused.Problem);
    }

    [Fact]
    public async Task ServiceWithNobodyOnCallIsAnEmptyAnswer()
    {
        _goAlert.Service("svc-empty");

        Assert.Empty((await AskAsync("service", "svc-empty")).Now);
    }
}
