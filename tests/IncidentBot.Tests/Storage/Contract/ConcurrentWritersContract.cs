using IncidentBot.Alerts;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// Two writers over one store (two <see cref="IncidentService"/> instances, each with its own in-process gate, as two
/// bot processes would be): neither loses the other's update, and no incident number is handed out twice. The bot around
/// them supplies everything else the service needs; the incidents live in the provider's store under test.
/// </summary>
public abstract class ConcurrentWritersContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task TwoWritersThatReadTheSameVersionOfAnIncidentBothKeepTheirChange()
    {
        await using var app = new IncidentBotApplication();
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var declared = await Writer(app, incidents).DeclareAsync("Checkout is down", Severity.Sev2, "carol");
        var number = declared.Incident!.Number;
        // Each writer reads the incident, then waits until the other has read it too: both change the same version.
        var bothRead = new Rendezvous(2);
        var first = Writer(app, new ReadTogetherStore(incidents, bothRead));
        var second = Writer(app, new ReadTogetherStore(incidents, bothRead));
        var roles = app.Services.GetRequiredService<IncidentService>().Roles;

        var results = await Task.WhenAll(
            Task.Run(() => first.AssignRoleAsync(number, roles.Find("commander")!, "alice", "alice")),
            Task.Run(() => second.AssignRoleAsync(number, roles.Find("scribe")!, "bob", "bob")));

        Assert.All(results, r => Assert.Null(r.Problem));
        var stored = (await incidents.FindAsync(number))!;
        Assert.Equal("alice", stored.Roles["commander"]);
        Assert.Equal("bob", stored.Roles["scribe"]);
        Assert.True(stored.Version >= 3, $"version {stored.Version}"); // declared, then one commit per writer (the bot may bind channels meanwhile)
        var timeline = await incidents.TimelineOfAsync(number);
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.RoleAssigned && t.Actor == "alice");
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.RoleAssigned && t.Actor == "bob");
    }

    [SkippableFact]
    public async Task TwoWritersThatBothFindNoOpenIncidentForAGroupOpenOnlyOne()
    {
        await using var app = new IncidentBotApplication();
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        // Each writer looks for the group's open incident, finds none, and opens one only after the other looked too.
        var bothLooked = new Rendezvous(2);
        var first = Writer(app, new ReadTogetherStore(incidents, bothLooked));
        var second = Writer(app, new ReadTogetherStore(incidents, bothLooked));

        var opened = await Task.WhenAll(
            Task.Run(() => first.CorrelateAsync([Firing("first")])),
            Task.Run(() => second.CorrelateAsync([Firing("second")])));

        Assert.Equal(1, opened.Sum());
        var incident = Assert.Single(await incidents.ListAsync(new IncidentQuery()));
        Assert.Equal(2, incident.AlertCount);
        Assert.Equal(["first", "second"], (await incidents.AlertsOfAsync(incident.Number)).Select(a => a.Fingerprint).Order());
    }

    [SkippableFact]
    public async Task AlertsCorrelatedByTwoWritersAtOnceAreAllCounted()
    {
        const int PerWriter = 150;
        await using var app = new IncidentBotApplication();
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var first = Writer(app, incidents);
        var second = Writer(app, incidents);
        await first.CorrelateAsync([Firing("opener")]);

        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < PerWriter; i++) { await UntilStoredAsync(() => first.CorrelateAsync([Firing($"first-{i}")])); } }),
            Task.Run(async () => { for (var i = 0; i < PerWriter; i++) { await UntilStoredAsync(() => second.CorrelateAsync([Firing($"second-{i}")])); } }));

        var incident = Assert.Single(await incidents.ListAsync(new IncidentQuery()));
        Assert.Equal(1 + (2 * PerWriter), incident.AlertCount);
        Assert.Equal(1 + (2 * PerWriter), incident.FiringAlertCount);
        Assert.Equal(1 + (2 * PerWriter), (await incidents.AlertsOfAsync(incident.Number)).Count);
    }

    [SkippableFact]
    public async Task IncidentsDeclaredByTwoWritersAtOnceGetDistinctNumbers()
    {
        const int PerWriter = 20;
        await using var app = new IncidentBotApplication();
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var first = Writer(app, incidents);
        var second = Writer(app, incidents);

        var declared = await Task.WhenAll(Enumerable.Range(0, PerWriter).SelectMany(i => new[]
        {
            Task.Run(() => first.DeclareAsync($"first {i}", Severity.Sev3, "alice")),
            Task.Run(() => second.DeclareAsync($"second {i}", Severity.Sev3, "bob")),
        }));

        var numbers = declared.Select(r => r.Incident!.Number).ToList();
        Assert.Equal(2 * PerWriter, numbers.Distinct().Count());
        var stored = await incidents.ListAsync(new IncidentQuery(Limit: 1000));
        Assert.Equal(numbers.Order(), stored.Select(i => i.Number).Order());
        Assert.Equal(declared.Select(r => r.Incident!.Title).Order(), stored.Select(i => i.Title).Order());
    }

    /// <summary>
    /// As the alert processor does: an operation that lost the race <see cref="IncidentService.MaxAttempts"/> times in a
    /// row (two writers hammering one incident with nothing between their operations) leaves its alert in the inbox and
    /// runs again later. What is asserted is that no committed update is lost.
    /// </summary>
    private static async Task UntilStoredAsync(Func<Task<int>> operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await operation();
                return;
            }
            catch (IncidentConflictException) when (attempt < 20)
            {
            }
        }
    }

    [SkippableFact]
    public async Task ABatchAsksTheStoreForItsGroupsAndNewNumbersOnceAndStillOpensOneIncidentPerGroup()
    {
        await using var app = new IncidentBotApplication();
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        // Groups 0-4 already have an open incident, 5-9 are new; the batch repeats every group and resolves an unknown one.
        await Writer(app, incidents).CorrelateAsync([.. Enumerable.Range(0, 5).Select(g => Firing($"early-{g}", $"group-{g}"))]);
        var counting = new CountingStore(incidents);
        var batch = Enumerable.Range(0, 40).Select(i => Firing($"fp-{i}", $"group-{i % 10}"))
            .Append(Firing("stray", "group-never-opened", AlertStatus.Resolved))
            .ToList();

        var opened = await Writer(app, counting).CorrelateAsync(batch);

        Assert.Equal(5, opened);
        Assert.Equal((1, 0, 0), (counting.GroupReads, counting.SingleGroupReads, counting.SingleNumbers));
        var open = await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open));
        Assert.Equal(Enumerable.Range(0, 10).Select(g => $"group-{g}"), open.Select(i => i.GroupKey!).Order());
        Assert.Equal(4 * 10 + 5, (await Task.WhenAll(open.Select(i => incidents.AlertsOfAsync(i.Number).AsTask()))).Sum(a => a.Count));
    }

    private static IncidentService Writer(IncidentBotApplication app, IIncidentStore store) =>
        ActivatorUtilities.CreateInstance<IncidentService>(app.Services, store);

    private static Alert Firing(string fingerprint, string groupKey = "checkout-5xx", AlertStatus status = AlertStatus.Firing) => new()
    {
        Source = "test",
        Fingerprint = fingerprint,
        GroupKey = groupKey,
        Status = status,
        Severity = "warning",
        Title = $"5xx on checkout ({fingerprint})",
    };

    /// <summary>Counts the reads a correlation makes of open incidents and numbers.</summary>
    private sealed class CountingStore(IIncidentStore inner) : IIncidentStore
    {
        public int GroupReads { get; private set; }

        public int SingleGroupReads { get; private set; }

        public int SingleNumbers { get; private set; }

        public ValueTask<Incident?> FindAsync(int number, CancellationToken cancellationToken = default) => inner.FindAsync(number, cancellationToken);

        public ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken = default)
        {
            SingleGroupReads++;
            return inner.FindOpenByGroupKeyAsync(groupKey, cancellationToken);
        }

        public ValueTask<IReadOnlyList<Incident>> FindOpenByGroupKeysAsync(IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken = default)
        {
            GroupReads++;
            return inner.FindOpenByGroupKeysAsync(groupKeys, cancellationToken);
        }

        public ValueTask<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

        public ValueTask<IReadOnlyList<IncidentAlert>> AlertsOfAsync(int number, CancellationToken cancellationToken = default) => inner.AlertsOfAsync(number, cancellationToken);


        public ValueTask<IncidentAlert?> FirstAlertOfAsync(int number, CancellationToken cancellationToken = default) => inner.FirstAlertOfAsync(number, cancellationToken);
        public ValueTask<IReadOnlyDictionary<int, IncidentAlert>> FirstAlertsOfAsync(IReadOnlyCollection<int> numbers, CancellationToken cancellationToken = default) => inner.FirstAlertsOfAsync(numbers, cancellationToken);

        public ValueTask<IncidentAlert?> FindAlertAsync(string id, CancellationToken cancellationToken = default) => inner.FindAlertAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<IncidentAlert>> FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => inner.FindAlertsAsync(ids, cancellationToken);

        public ValueTask<IReadOnlyList<TimelineEntry>> TimelineOfAsync(int number, CancellationToken cancellationToken = default) => inner.TimelineOfAsync(number, cancellationToken);

        public ValueTask<int> NextNumberAsync(CancellationToken cancellationToken = default)
        {
            SingleNumbers++;
            return inner.NextNumberAsync(cancellationToken);
        }

        public ValueTask<IReadOnlyList<int>> NextNumbersAsync(int count, CancellationToken cancellationToken = default) => inner.NextNumbersAsync(count, cancellationToken);

        public ValueTask CommitAsync(IncidentChanges changes, CancellationToken cancellationToken = default) => inner.CommitAsync(changes, cancellationToken);
    }

    /// <summary>Lets the first read of each writer return only once every writer has made its first read.</summary>
    private sealed class ReadTogetherStore(IIncidentStore inner, Rendezvous rendezvous) : IIncidentStore
    {
        private int _reads;

        public async ValueTask<Incident?> FindAsync(int number, CancellationToken cancellationToken = default) =>
            await AfterFirstReadAsync(await inner.FindAsync(number, cancellationToken));

        public async ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken = default) =>
            await AfterFirstReadAsync(await inner.FindOpenByGroupKeyAsync(groupKey, cancellationToken));

        public async ValueTask<IReadOnlyList<Incident>> FindOpenByGroupKeysAsync(IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken = default)
        {
            var found = await inner.FindOpenByGroupKeysAsync(groupKeys, cancellationToken);
            await AfterFirstReadAsync(null);
            return found;
        }

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


        public ValueTask<IncidentAlert?> FirstAlertOfAsync(int number, CancellationToken cancellationToken = default) => inner.FirstAlertOfAsync(number, cancellationToken);
        public ValueTask<IReadOnlyDictionary<int, IncidentAlert>> FirstAlertsOfAsync(IReadOnlyCollection<int> numbers, CancellationToken cancellationToken = default) => inner.FirstAlertsOfAsync(numbers, cancellationToken);

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

public sealed class ConcurrentWritersOnLiteDb : ConcurrentWritersContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class ConcurrentWritersOnPostgres(PostgresServer server) : ConcurrentWritersContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
