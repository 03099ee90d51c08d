using IncidentBot.Chat.Outbox;
using IncidentBot.Chat.Platforms;
using IncidentBot.Roles;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Incidents;

/// <summary>
/// The one place incidents change. Every operation runs alone (a single gate), builds an
/// <see cref="IncidentTransaction"/> and commits it whole, so concurrent alerts and commands never race.
/// </summary>
public sealed partial class IncidentService(
    IIncidentStore store,
    ChatPlatforms platforms,
    OutboxSignal outboxSignal,
    RoleCatalog roles,
    RunbookLibrary runbooks,
    IOptions<IncidentOptions> options,
    IEnumerable<IIncidentObserver> observers,
    IEnumerable<IDrillReporter> drillReporters,
    TimeProvider time,
    ILogger<IncidentService> logger)
{
    /// <summary>The actor name for what the bot does by itself.</summary>
    public const string BotActor = "incidentbot";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private int? _lastNumber;

    public IncidentOptions Options => options.Value;

    public RoleCatalog Roles => roles;

    /// <summary>Runs <paramref name="work"/> alone and commits what it changed; nothing is stored if it throws.</summary>
    public async Task<T> ExecuteAsync<T>(Func<IncidentTransaction, ValueTask<T>> work, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _lastNumber ??= await store.LastNumberAsync(cancellationToken);
            var number = _lastNumber.Value;
            var transaction = new IncidentTransaction(store, platforms, time.GetUtcNow(), () => ++number, cancellationToken);
            var result = await work(transaction);
            try
            {
                await store.CommitAsync(transaction.Changes, cancellationToken);
            }
            catch
            {
                // A commit can fail after the store took it (its flush failed): read the last number again rather
                // than hand out one an incident may already have.
                _lastNumber = null;
                throw;
            }
            _lastNumber = number;
            if (transaction.Changes.Outbox.Count > 0)
            {
                outboxSignal.Notify();
            }
            if (transaction.Changes.Incidents.Count > 0)
            {
                foreach (var observer in observers)
                {
                    observer.IncidentsChanged(transaction.Changes.Incidents.Keys);
                }
            }
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs one operation on one incident; a missing incident is a friendly refusal, not an error.</summary>
    public Task<IncidentResult> ChangeAsync(int number, Func<IncidentTransaction, Incident, string?> change, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) => ValueTask.FromResult(change(tx, incident)), cancellationToken);

    /// <summary>Runs one operation on one incident that reads more from the store while it changes the incident.</summary>
    public Task<IncidentResult> ChangeAsync(int number, Func<IncidentTransaction, Incident, ValueTask<string?>> change, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async tx =>
        {
            if (await tx.FindAsync(number) is not { } incident)
            {
                return IncidentResult.Refused(null, $"There is no incident INC-{number}.");
            }
            var problem = await change(tx, incident);
            return problem is null ? new IncidentResult(incident, tx.Posted) : IncidentResult.Refused(incident, problem);
        }, cancellationToken);

    private void LogOpened(Incident incident) =>
        logger.LogInformation("Opened {Incident} ({Severity}) {Title}", incident.Reference, incident.Severity.Display(), incident.Title);
}
