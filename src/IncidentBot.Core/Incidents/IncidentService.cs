using IncidentBot.Chat;
using IncidentBot.Chat.Outbox;
using IncidentBot.Chat.Platforms;
using IncidentBot.Roles;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Incidents;

/// <summary>
/// The one place incidents change. Every operation builds an <see cref="IncidentTransaction"/> and commits it whole.
/// Another writer (a second instance, another process) can change the same incident in between: the store then
/// refuses the commit (<see cref="IncidentConflictException"/>) and the operation runs again on fresh reads, so
/// neither update is lost.
/// </summary>
public sealed partial class IncidentService(
    IIncidentStore store,
    ChatPlatforms platforms,
    OutboxSignal outboxSignal,
    RoleCatalog roles,
    RunbookLibrary runbooks,
    IOptions<IncidentOptions> options,
    IOptions<AlertDetailOptions> alertDetails,
    AlertStormSummaries stormSummaries,
    IOptions<Reminders.ReminderOptions> reminders,
    IEnumerable<IIncidentObserver> observers,
    IEnumerable<IDrillReporter> drillReporters,
    BotMetrics metrics,
    TimeProvider time,
    ILogger<IncidentService> logger)
{
    /// <summary>The actor name for what the bot does by itself.</summary>
    public const string BotActor = "incidentbot";

    /// <summary>
    /// How many times an operation runs before a conflict is given up on and reported to its caller. With the pauses of
    /// <see cref="ConflictBackoff"/> between them, the last attempt starts up to about two and a half seconds after
    /// the first: long enough for every replica hammering one incident to get its turn, short enough for a caller
    /// waiting on the answer (a chat command, the alert processor, which retries the alert later anyway).
    /// </summary>
    public const int MaxAttempts = ConflictBackoff.MaxAttempts;

    // Not needed for correctness (the store's version check is): it keeps this process's operations in the order
    // they were asked for (a batch of alerts before the next, a command after the alert that opened its incident)
    // and keeps them from conflicting with, and retrying against, each other.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public IncidentOptions Options => options.Value;

    public RoleCatalog Roles => roles;

    /// <summary>
    /// Runs <paramref name="work"/> and commits what it changed; nothing is stored if it throws. When another writer
    /// changed one of its incidents first, the work runs again on fresh reads (up to <see cref="MaxAttempts"/> times),
    /// so it must only change what its transaction hands it.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<IncidentTransaction, ValueTask<T>> work, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var transaction = new IncidentTransaction(store, platforms, Card, time.GetUtcNow(), cancellationToken);
                var result = await work(transaction);
                await transaction.RefreshCardsAsync();
                // Every incident written carries when its next reminder is due, which the reminder sweep asks the store for.
                foreach (var changed in transaction.Changes.Incidents.Values)
                {
                    changed.ReminderDueAt = reminders.Value.DueFor(changed);
                }
                try
                {
                    await store.CommitAsync(transaction.ToCommit(), cancellationToken);
                }
                catch (IncidentConflictException conflict) when (attempt < MaxAttempts)
                {
                    metrics.IncidentConflict(gaveUp: false);
                    var pause = ConflictBackoff.PauseAfter(attempt, Random.Shared);
                    logger.LogDebug("INC-{Incident} changed while attempt {Attempt} ran; running the operation again in {Pause} ms", conflict.IncidentNumber, attempt, (int)pause.TotalMilliseconds);
                    // Real time, not the injected clock: the pause is for the other writer, who runs on real time too.
                    await Task.Delay(pause, cancellationToken);
                    continue;
                }
                catch (IncidentConflictException conflict)
                {
                    metrics.IncidentConflict(gaveUp: true);
                    logger.LogWarning("INC-{Incident} kept changing under this operation: gave up after {Attempt} attempts ({Reason})", conflict.IncidentNumber, attempt, conflict.Message);
                    throw;
                }
                Committed(transaction);
                return result;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Committed(IncidentTransaction transaction)
    {
        if (transaction.Changes.Outbox.Count > 0)
        {
            outboxSignal.Notify();
        }
        if (transaction.Changes.Incidents.Count > 0)
        {
            foreach (var observer in observers)
            {
                observer.IncidentsChanged(transaction.Changes.Incidents.Values);
            }
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
            return problem switch
            {
                null => new IncidentResult(incident, tx.Posted),
                _ when tx.AnswerIsNotice => IncidentResult.NothingToDo(incident, problem),
                _ => IncidentResult.Refused(incident, problem),
            };
        }, cancellationToken);

    /// <summary>
    /// The incident's header card as it stands, for the person who asked (the <c>status</c> command): the channels'
    /// card, first alert's words included, without the update key that would edit the channels' copy.
    /// </summary>
    public async Task<ChatMessage?> StatusCardAsync(int number, CancellationToken cancellationToken = default)
    {
        if (await store.FindAsync(number, cancellationToken) is not { } incident)
        {
            return null;
        }
        var first = incident.AlertCount > 0 ? await store.FirstAlertOfAsync(number, cancellationToken) : null;
        return Card(incident, first) with { Audience = MessageAudience.Requester, UpdateKey = null };
    }

    private ChatMessage Card(Incident incident, IncidentAlert? firstAlert) =>
        IncidentMessages.Summary(incident, roles, alertDetails: firstAlert is null ? null : IncidentMessages.AlertDetails(firstAlert, alertDetails.Value));

    private void LogOpened(Incident incident) =>
        logger.LogInformation("Opened {Incident} ({Severity}) {Title}", incident.Reference, incident.Severity.Display(), incident.Title);
}
