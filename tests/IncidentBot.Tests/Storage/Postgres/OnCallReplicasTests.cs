using IncidentBot.Alerts;
using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Roles;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Storage.Contract;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// Several replicas on one PostgreSQL database, each with its own <see cref="IncidentService"/> and escalation sweep:
/// on-call is asked once per incident and an unaccepted ask escalates once, however many replicas try at the same time.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class OnCallReplicasTests(PostgresServer server)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    private static OnCallAsk Ask() => new()
    {
        Component = "checkout-api",
        Handle = "ann",
        Email = "ann@example.com",
        Level = 1,
        People = [new() { Handle = "ann", Email = "ann@example.com", Level = 1 }, new() { Handle = "zed", Email = "zed@example.com", Level = 2 }],
    };

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ReplicasAskOnceAndEscalateOnce(int replicaCount)
    {
        await using var app = new IncidentBotApplication();
        await using var store = await StoreUnderTest.PostgresAsync(server);
        var incidents = store.Get<IIncidentStore>();
        var clock = new FakeTimeProvider(Start);
        var replicas = Enumerable.Range(0, replicaCount).Select(_ => ActivatorUtilities.CreateInstance<IncidentService>(app.Services, incidents, (TimeProvider)clock)).ToList();
        await replicas[0].CorrelateAsync([new Alert { Source = "test", Fingerprint = "f", GroupKey = "checkout", Status = AlertStatus.Firing, Title = "checkout-api errors", StartsAt = Start }]);
        var number = (await incidents.FindOpenByGroupKeyAsync("checkout"))!.Number;

        // Every replica's on-call commander found the incident at once.
        var asks = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.AskOnCallAsync(number, Ask(), "On call for checkout-api: ann", TimeSpan.FromMinutes(5)))));

        Assert.Single(asks, a => a.Problem is null && a.Notice is null);
        Assert.Single(await incidents.TimelineOfAsync(number), e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.Note);

        clock.SetUtcNow(Start + TimeSpan.FromMinutes(5));
        var sweeps = replicas.Select(r => ActivatorUtilities.CreateInstance<OnCallEscalations>(app.Services, incidents, r, (TimeProvider)clock)).ToList();
        await Task.WhenAll(sweeps.Select(s => Task.Run(() => s.SweepAsync(CancellationToken.None))));

        var incident = (await incidents.FindAsync(number))!;
        Assert.Equal("zed", incident.Roles[RoleCatalog.Commander]);
        Assert.Equal(["ann", "zed"], incident.OnCall!.Asked);
        Assert.Single(await incidents.TimelineOfAsync(number), e => e.Kind == TimelineKinds.OnCallEscalated);
    }
}
