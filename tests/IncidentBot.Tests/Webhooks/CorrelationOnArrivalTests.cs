using System.Net;
using IncidentBot.Alerts;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Webhooks;

/// <summary>
/// Accepted alerts are correlated into incidents before their sender hears 202, unless older alerts wait in the
/// inbox (they go first) or correlating fails (the inbox keeps them for the processor).
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.LiteDb)]
public sealed class CorrelationOnArrivalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-arrival-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task AnAlertIsInItsIncidentWhenItsSenderHearsAccepted()
    {
        // The processor is held: only correlation on arrival can have attached the alerts.
        await using var app = new IncidentBotApplication(services: HoldTheProcessor);

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal(2, incident.AlertCount);
        Assert.Equal(0, await app.Inbox.PendingCountAsync());
    }

    [Fact]
    public async Task AlertsWaitingInTheInboxAreCorrelatedBeforeNewerOnes()
    {
        await using (var paused = new IncidentBotApplication(new() { ["Intake:PauseProcessing"] = "true" }, dataFolder: _folder))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await paused.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"))).StatusCode);
        }
        await using var app = new IncidentBotApplication(services: HoldTheProcessor, dataFolder: _folder);

        // a1bc48475b20e73d resolves while its firing notification still waits in the inbox.
        var resolved = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/resolved-single-alert.json"));

        Assert.Equal(HttpStatusCode.Accepted, resolved.StatusCode);
        Assert.Empty(await app.ListIncidentsAsync());
        Assert.Equal(3, await app.Inbox.PendingCountAsync());
        // The next batch, while the backlog still waits, is queued behind it too (the inbox is asked first now).
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/resolved-k8s-deployment.json"))).StatusCode);
        Assert.Empty(await app.ListIncidentsAsync());
        Assert.Equal(4, await app.Inbox.PendingCountAsync());
        app.Services.GetRequiredService<HeldInbox>().Release();
        await app.WaitForProcessingAsync();
        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal(2, incident.AlertCount);
        Assert.Equal(1, incident.FiringAlertCount);
        var alerts = (await app.GetIncidentAsync(incident.Number)).Alerts!;
        Assert.Equal("resolved", alerts.Single(a => a.Fingerprint == "a1bc48475b20e73d").Status);

        // Once the backlog is gone, alerts are correlated on arrival again: the other alert resolves before the 202.
        var second = (await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json").Replace("\"firing\"", "\"resolved\"", StringComparison.Ordinal))).StatusCode;
        Assert.Equal(HttpStatusCode.Accepted, second);
        Assert.Equal(0, await app.Inbox.PendingCountAsync());
        Assert.Equal(0, (await app.GetIncidentAsync(incident.Number)).FiringAlertCount);
    }

    [Fact]
    public async Task AnInboxThatCannotBeAskedKeepsTheAlertsForTheProcessor()
    {
        await using var app = new IncidentBotApplication(services: services =>
        {
            services.AddSingleton(sp => new UnaskableInbox(sp.GetRequiredService<LiteDbStorage>()));
            services.AddSingleton<IAlertInboxStore>(sp => sp.GetRequiredService<UnaskableInbox>());
        });

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));

        // The check's failure is the correlation's: the alerts go to the inbox, and the processor attaches them.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(app.Services.GetRequiredService<UnaskableInbox>().Asked > 0);
        await app.WaitForProcessingAsync();
        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal(2, incident.AlertCount);
    }

    /// <summary>An inbox whose "anything pending?" fails, as a store failing mid-check would.</summary>
    private sealed class UnaskableInbox(IAlertInboxStore disk) : IAlertInboxStore
    {
        private int _asked;

        public int Asked => Volatile.Read(ref _asked);

        public ValueTask AppendAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken = default) => disk.AppendAsync(entries, cancellationToken);

        public ValueTask<IReadOnlyList<InboxEntry>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
            disk.ClaimAsync(owner, max, now, lease, cancellationToken);

        public ValueTask RecordFailureAsync(long id, string error, bool deadLetter, CancellationToken cancellationToken = default) => disk.RecordFailureAsync(id, error, deadLetter, cancellationToken);

        public ValueTask<int> PendingCountAsync(CancellationToken cancellationToken = default) => disk.PendingCountAsync(cancellationToken);

        public async ValueTask<bool> HasPendingAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _asked);
            await Task.Yield();
            throw new InvalidOperationException("the inbox cannot be asked");
        }
    }

    [Fact]
    public async Task AlertsThatCannotBeCorrelatedOnArrivalAreKeptInTheInboxAndProcessedFromThere()
    {
        await using var app = new IncidentBotApplication(services: services =>
        {
            services.AddSingleton(sp => new CorrelationRefusingStore(sp.GetRequiredService<LiteDbStorage>()));
            services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<CorrelationRefusingStore>());
        });

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(app.Services.GetRequiredService<CorrelationRefusingStore>().Refused > 0);
        await app.WaitForProcessingAsync();
        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal(2, incident.AlertCount);
    }

    private static void HoldTheProcessor(IServiceCollection services)
    {
        services.AddSingleton(sp => new HeldInbox(sp.GetRequiredService<LiteDbStorage>()));
        services.AddSingleton<IAlertInboxStore>(sp => sp.GetRequiredService<HeldInbox>());
    }

    /// <summary>An inbox the processor can claim nothing from until the test releases it.</summary>
    private sealed class HeldInbox(IAlertInboxStore disk) : IAlertInboxStore
    {
        private volatile bool _released;

        public void Release() => _released = true;

        public ValueTask AppendAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken = default) => disk.AppendAsync(entries, cancellationToken);

        public ValueTask<IReadOnlyList<InboxEntry>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
            _released ? disk.ClaimAsync(owner, max, now, lease, cancellationToken) : ValueTask.FromResult<IReadOnlyList<InboxEntry>>([]);

        public ValueTask RecordFailureAsync(long id, string error, bool deadLetter, CancellationToken cancellationToken = default) => disk.RecordFailureAsync(id, error, deadLetter, cancellationToken);

        public ValueTask<int> PendingCountAsync(CancellationToken cancellationToken = default) => disk.PendingCountAsync(cancellationToken);

        public ValueTask<bool> HasPendingAsync(CancellationToken cancellationToken = default) => disk.HasPendingAsync(cancellationToken);
    }

    /// <summary>Fails every commit that correlates alerts on arrival (one that consumes no inbox entries).</summary>
    private sealed class CorrelationRefusingStore(IIncidentStore disk) : IIncidentStore
    {
        public int Refused { get; private set; }

        public ValueTask CommitAsync(IncidentChanges changes, CancellationToken cancellationToken = default)
        {
            if (changes.Alerts.Count > 0 && changes.ConsumedInboxEntries.Count == 0)
            {
                Refused++;
                throw new InvalidOperationException("correlation refused by the test");
            }
            return disk.CommitAsync(changes, cancellationToken);
        }

        public ValueTask<Incidents.Incident?> FindAsync(int number, CancellationToken cancellationToken = default) => disk.FindAsync(number, cancellationToken);

        public ValueTask<Incidents.Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken = default) => disk.FindOpenByGroupKeyAsync(groupKey, cancellationToken);

        public ValueTask<IReadOnlyList<Incidents.Incident>> FindOpenByGroupKeysAsync(IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken = default) =>
            disk.FindOpenByGroupKeysAsync(groupKeys, cancellationToken);

        public ValueTask<IReadOnlyList<Incidents.Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken = default) => disk.ListAsync(query, cancellationToken);

        public ValueTask<IReadOnlyList<Incidents.IncidentAlert>> AlertsOfAsync(int number, CancellationToken cancellationToken = default) => disk.AlertsOfAsync(number, cancellationToken);


        public ValueTask<Incidents.IncidentAlert?> FirstAlertOfAsync(int number, CancellationToken cancellationToken = default) => disk.FirstAlertOfAsync(number, cancellationToken);
        public ValueTask<IReadOnlyDictionary<int, Incidents.IncidentAlert>> FirstAlertsOfAsync(IReadOnlyCollection<int> numbers, CancellationToken cancellationToken = default) => disk.FirstAlertsOfAsync(numbers, cancellationToken);

        public ValueTask<Incidents.IncidentAlert?> FindAlertAsync(string id, CancellationToken cancellationToken = default) => disk.FindAlertAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<Incidents.IncidentAlert>> FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => disk.FindAlertsAsync(ids, cancellationToken);

        public ValueTask<IReadOnlyList<Incidents.TimelineEntry>> TimelineOfAsync(int number, CancellationToken cancellationToken = default) => disk.TimelineOfAsync(number, cancellationToken);

        public ValueTask<int> NextNumberAsync(CancellationToken cancellationToken = default) => disk.NextNumberAsync(cancellationToken);
    }
}
