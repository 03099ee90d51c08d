using System.Net;
using IncidentBot.Alerts;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace IncidentBot.Tests.Webhooks;

/// <summary>
/// A store that says it is unavailable (<see cref="StorageUnavailableException"/>: PostgreSQL down, full or read-only)
/// degrades the bot as a full disk does: webhooks and API calls 503 with Retry-After, readiness fails saying why, and
/// no alert is counted as failed or set aside for it. Any other store failure keeps its own answer.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class StorageUnavailableTests
{
    private const string Reason = "PostgreSQL cannot take work now: cannot execute INSERT in a read-only transaction (SQLSTATE 25006).";

    public static TheoryData<string> ApiReads => ["/api/incidents", "/api/incidents?status=open", "/api/incidents/1", "/api/metrics/response"];

    [Theory]
    [MemberData(nameof(ApiReads))]
    public async Task ApiCallsAnswer503WithRetryAfterWhileTheStoreIsUnavailable(string path)
    {
        await using var app = new IncidentBotApplication(services: s => s.AddSingleton(FailingIncidents(new StorageUnavailableException(Reason))));

        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Storage unavailable", body);
        Assert.Contains("nothing was changed", body);
    }

    [Fact]
    public async Task OtherStoreFailuresStayServerErrors()
    {
        await using var app = new IncidentBotApplication(services: s => s.AddSingleton(FailingIncidents(new InvalidOperationException("a bug"))));

        var response = await app.CreateClient().GetAsync("/api/incidents");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task WebhooksAnswer503WithRetryAfterAndTheLogSaysWhy()
    {
        var logs = new CollectedLogs();
        var inbox = Substitute.For<IAlertInboxStore>();
        inbox.HasPendingAsync(default).ReturnsForAnyArgs(true);
        inbox.ClaimAsync(default!, default, default, default, default).ReturnsForAnyArgs(ValueTask.FromResult<IReadOnlyList<InboxEntry>>([]));
        inbox.AppendAsync(default!, default).ReturnsForAnyArgs(ValueTask.FromException(new StorageUnavailableException(Reason)));
        await using var app = new IncidentBotApplication(services: s =>
        {
            s.AddSingleton(inbox);
            s.AddSingleton<ILoggerProvider>(logs);
        });

        var response = await app.PostRawAsync("/webhooks/generic", """{"title":"Disk alert","dedupKey":"disk"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains("Nothing was stored; send it again.", await response.Content.ReadAsStringAsync());
        Assert.Contains(logs.Errors, e => e.Message.StartsWith("Could not store 1 accepted alerts", StringComparison.Ordinal) && e.Exception?.Message == Reason);
    }

    [Fact]
    public async Task ReadinessFailsSayingWhy()
    {
        var health = Substitute.For<IStorageHealth>();
        health.ProbeAsync(default).ThrowsAsyncForAnyArgs(new StorageUnavailableException(Reason));
        await using var app = new IncidentBotApplication(services: s => s.AddSingleton(health));

        var response = await app.CreateClient().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"cannot be written: {Reason}", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task AnAlertIsNeverSetAsideBecauseTheStoreWasUnavailable()
    {
        // An alert on its last attempt: any failure counted against it would set it aside for an operator.
        var entry = new InboxEntry
        {
            Id = 1,
            Attempts = 5,
            Alert = new Alert { Source = "generic", Fingerprint = "f", GroupKey = "g", Status = AlertStatus.Firing, Title = "Disk alert" },
        };
        var inbox = Substitute.For<IAlertInboxStore>();
        var claims = 0;
        inbox.ClaimAsync(default!, default, default, default, default).ReturnsForAnyArgs(_ =>
            ValueTask.FromResult<IReadOnlyList<InboxEntry>>(Interlocked.Increment(ref claims) <= 2 ? [entry] : []));
        await using var app = new IncidentBotApplication(
            new() { ["Intake:MaxAttempts"] = "5" },
            s =>
            {
                s.AddSingleton(inbox);
                s.AddSingleton(FailingIncidents(new StorageUnavailableException(Reason)));
            });
        _ = app.Services; // starts the processor

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref claims) >= 4), "the processor to go round after the failures");

        await inbox.DidNotReceiveWithAnyArgs().RecordFailureAsync(default, default!, default, default);
    }

    private static IIncidentStore FailingIncidents(Exception failure)
    {
        var incidents = Substitute.For<IIncidentStore>();
        incidents.FindAsync(default).ReturnsForAnyArgs(ValueTask.FromException<Incidents.Incident?>(failure));
        incidents.FindOpenByGroupKeyAsync(default!).ReturnsForAnyArgs(ValueTask.FromException<Incidents.Incident?>(failure));
        incidents.FindOpenByGroupKeysAsync(default!).ReturnsForAnyArgs(ValueTask.FromException<IReadOnlyList<Incidents.Incident>>(failure));
        incidents.ListAsync(default!).ReturnsForAnyArgs(ValueTask.FromException<IReadOnlyList<Incidents.Incident>>(failure));
        incidents.TimelineOfAsync(default).ReturnsForAnyArgs(ValueTask.FromException<IReadOnlyList<Incidents.TimelineEntry>>(failure));
        incidents.AlertsOfAsync(default).ReturnsForAnyArgs(ValueTask.FromException<IReadOnlyList<Incidents.IncidentAlert>>(failure));
        incidents.FindAlertsAsync(default!).ReturnsForAnyArgs(ValueTask.FromException<IReadOnlyList<Incidents.IncidentAlert>>(failure));
        incidents.NextNumberAsync().ReturnsForAnyArgs(ValueTask.FromException<int>(failure));
        incidents.CommitAsync(default!).ReturnsForAnyArgs(ValueTask.FromException(failure));
        return incidents;
    }
}
