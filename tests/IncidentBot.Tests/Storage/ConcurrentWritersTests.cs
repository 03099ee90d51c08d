using IncidentBot.Alerts;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Storage;

/// <summary>
/// Two writers over one store (two <see cref="IncidentService"/> instances, each with its own in-process gate, as two
/// bot processes would be): neither loses the other's update, and no incident number is handed out twice.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ConcurrentWritersTests
{
    [Fact]
    public async Task TwoWritersThatReadTheSameVersionOfAnIncidentBothKeepTheirChange()
    {
        await using var app = new IncidentBotApplication();
        var declared = await app.Services.GetRequiredService<IncidentService>().DeclareAsync("Checkout is down", Severity.Sev2, "carol");
        var number = declared.Incident!.Number;
        // Each writer reads the incident, then waits until the other has read it too: both change the same version.
        var bothRead = new Rendezvous(2);
        var first = Writer(app, new ReadTogetherStore(app.Incidents, bothRead));
        var second = Writer(app, new ReadTogetherStore(app.Incidents, bothRead));
        var roles = app.Services.GetRequiredService<IncidentService>().Roles;

        var results = await Task.WhenAll(
            Task.Run(() => first.AssignRoleAsync(number, roles.Find("commander")!, "alice", "alice")),
            Task.Run(() => second.AssignRoleAsync(number, roles.Find("scribe")!, "bob", "bob")));

        Assert.All(results, r => Assert.Null(r.Problem));
        var stored = (await app.Incidents.FindAsync(number))!;
        Assert.Equal("alice", stored.Roles["commander"]);
        Assert.Equal("bob", stored.Roles["scribe"]);
        Assert.True(stored.Version >= 3, $"version {stored.Version}"); // declared, then one commit per writer (the bot may bind channels meanwhile)
        var timeline = await app.Incidents.TimelineOfAsync(number);
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.RoleAssigned && t.Actor == "alice");
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.RoleAssigned && t.Actor == "bob");
    }

    [Fact]
    public async Task TwoWritersThatBothFindNoOpenIncidentForAGroupOpenOnlyOne()
    {
        await using var app = new IncidentBotApplication();
        // Each writer looks for the group's open incident, finds none, and opens one only after the other looked too.
        var bothLooked = new Rendezvous(2);
        var first = Writer(app, new ReadTogetherStore(app.Incidents, bothLooked));
        var second = Writer(app, new ReadTogetherStore(app.Incidents, bothLooked));

        var opened = await Task.WhenAll(
            Task.Run(() => first.CorrelateAsync([Firing("first")])),
            Task.Run(() => second.CorrelateAsync([Firing("second")])));

        Assert.Equal(1, opened.Sum());
        var incident = Assert.Single(await app.Incidents.ListAsync(new IncidentQuery()));
        Assert.Equal(2, incident.AlertCount);
        Assert.Equal(["first", "second"], (await app.Incidents.AlertsOfAsync(incident.Number)).Select(a => a.Fingerprint).Order());
    }

    [Fact]
    public async Task AlertsCorrelatedByTwoWritersAtOnceAreAllCounted()
    {
        const int PerWriter = 150;
        await using var app = new IncidentBotApplication();
        var first = Writer(app, app.Incidents);
        var second = Writer(app, app.Incidents);
        await first.CorrelateAsync([Firing("opener")]);

        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < PerWriter; i++) { await first.CorrelateAsync([Firing($"first-{i}")]); } }),
            Task.Run(async () => { for (var i = 0; i < PerWriter; i++) { await second.CorrelateAsync([Firing($"second-{i}")]); } }));

        var incident = Assert.Single(await app.Incidents.ListAsync(new IncidentQuery()));
        Assert.Equal(1 + (2 * PerWriter), incident.AlertCount);
        Assert.Equal(1 + (2 * PerWriter), incident.FiringAlertCount);
        Assert.Equal(1 + (2 * PerWriter), (await app.Incidents.AlertsOfAsync(incident.Number)).Count);
    }

    [Fact]
    public async Task IncidentsDeclaredByTwoWritersAtOnceGetDistinctNumbers()
    {
        const int PerWriter = 20;
        await using var app = new IncidentBotApplication();
        var first = Writer(app, app.Incidents);
        var second = Writer(app, app.Incidents);

        var declared = await Task.WhenAll(Enumerable.Range(0, PerWriter).SelectMany(i => new[]
        {
            Task.Run(() => first.DeclareAsync($"first {i}", Severity.Sev3, "alice")),
            Task.Run(() => second.DeclareAsync($"second {i}", Severity.Sev3, "bob")),
        }));

        var numbers = declared.Select(r => r.Incident!.Number).ToList();
        Assert.Equal(2 * PerWriter, numbers.Distinct().Count());
        var stored = await app.Incidents.ListAsync(new IncidentQuery(Limit: 1000));
        Assert.Equal(numbers.Order(), stored.Select(i => i.Number).Order());
        Assert.Equal(declared.Select(r => r.Incident!.Title).Order(), stored.Select(i => i.Title).Order());
    }

    [Fact]
    public async Task TheStoreNeverHandsOutANumberTwiceEvenWhenNoIncidentIsCommittedWithIt()
    {
        await using var app = new IncidentBotApplication();
        var declared = await app.Services.GetRequiredService<IncidentService>().DeclareAsync("Already there", Severity.Sev3, "carol");

        var numbers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await app.Incidents.NextNumberAsync())));

        Assert.Equal(50, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.True(n > declared.Incident!.Number, $"{n} is not after INC-{declared.Incident.Number}"));
    }

    [Fact]
    public async Task ACommitOfAStaleCopyIsRefusedAndStoresNothing()
    {
        await using var app = new IncidentBotApplication();
        var declared = await app.Services.GetRequiredService<IncidentService>().DeclareAsync("Search is slow", Severity.Sev3, "carol");
        var number = declared.Incident!.Number;
        var stale = (await app.Incidents.FindAsync(number))!;
        await app.Services.GetRequiredService<IncidentService>().AddNoteAsync(number, "first", "carol");

        var changes = new IncidentChanges();
        stale.Title = "overwritten";
        changes.Incidents[number] = stale;
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = number, Actor = "mallory", Kind = TimelineKinds.Note, Text = "lost?" });
        var conflict = await Assert.ThrowsAsync<IncidentConflictException>(() => app.Incidents.CommitAsync(changes).AsTask());

        Assert.Equal(number, conflict.IncidentNumber);
        var stored = (await app.Incidents.FindAsync(number))!;
        Assert.Equal("Search is slow", stored.Title);
        Assert.DoesNotContain(await app.Incidents.TimelineOfAsync(number), t => t.Actor == "mallory");
    }

    private static IncidentService Writer(IncidentBotApplication app, IIncidentStore store) =>
        ActivatorUtilities.CreateInstance<IncidentService>(app.Services, store);

    private static Alert Firing(string fingerprint) => new()
    {
        Source = "test",
        Fingerprint = fingerprint,
        GroupKey = "checkout-5xx",
        Status = AlertStatus.Firing,
        Severity = "warning",
        Title = $"5xx on checkout ({fingerprint})",
    };

    /// <summary>Lets the first read of each writer return only once every writer has made its first read.</summary>
    private sealed class ReadTogetherStore(IIncidentStore inner, Rendezvous rendezvous) : IIncidentStore
    {
        private int _reads;

        public async ValueTask<Incident?> FindAsync(int number, CancellationToken cancellationToken = default) =>
            await AfterFirstReadAsync(await inner.FindAsync(number, cancellationToken));

        public async ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken = default) =>
            await AfterFirstReadAsync(await inner.FindOpenByGroupKeyAsync(groupKey, cancellationToken));

        private async Task<Incident?> AfterFirstReadAsync(Incident? incident)
        {
            if (Interlocked.Increment(ref _reads) == 1)
            {
                await rendezvous.ArriveAsync();
            }
            return incident;
        }

        public ValueTask<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

        public ValueTask<IReadOnlyList<IncidentAlert>> AlertsOfAsync(int number, CancellationToken cancellationToken = default) => inner.AlertsOfAsync(number, cancellationToken);

        public ValueTask<IncidentAlert?> FindAlertAsync(string id, CancellationToken cancellationToken = default) => inner.FindAlertAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<IncidentAlert>> FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => inner.FindAlertsAsync(ids, cancellationToken);

        public ValueTask<IReadOnlyList<TimelineEntry>> TimelineOfAsync(int number, CancellationToken cancellationToken = default) => inner.TimelineOfAsync(number, cancellationToken);

        public ValueTask<int> NextNumberAsync(CancellationToken cancellationToken = default) => inner.NextNumberAsync(cancellationToken);

        public ValueTask CommitAsync(IncidentChanges changes, CancellationToken cancellationToken = default) => inner.CommitAsync(changes, cancellationToken);
    }

    /// <summary>Releases its callers together once <paramref name="count"/> of them have arrived.</summary>
    private sealed class Rendezvous(int count)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting = count;

        public Task ArriveAsync()
        {
            if (Interlocked.Decrement(ref _waiting) == 0)
            {
                _all.SetResult();
            }
            return _all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
