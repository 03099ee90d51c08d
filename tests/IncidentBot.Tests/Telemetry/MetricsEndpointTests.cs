using System.Net;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Telemetry;

/// <summary><c>/metrics</c> after scripted traffic: the series an operator graphs and alerts on, with their labels.</summary>
[Collection(nameof(MetricsCollection))]
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class MetricsEndpointTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WebhooksAreCountedAndTimedBySourceAndOutcome()
    {
        await using var app = new IncidentBotApplication(new() { ["Webhooks:Sources:alertmanager:BearerToken"] = "s3cret" });

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown, bearer: "s3cret")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostRawAsync("/webhooks/alertmanager", "{", bearer: "s3cret")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.PostRawAsync("/webhooks/no-such-tool", "{}")).StatusCode);
        await app.WaitForProcessingAsync();

        var scrape = await PrometheusScrape.ReadAsync(app.CreateClient());
        const string requests = "incidentbot_webhook_requests_total";
        Assert.Equal(1, scrape.Value(requests, ("source", "alertmanager"), ("outcome", "accepted")));
        Assert.Equal(1, scrape.Value(requests, ("source", "alertmanager"), ("outcome", "invalid")));
        Assert.Equal(1, scrape.Value(requests, ("source", "alertmanager"), ("outcome", "unauthenticated")));
        Assert.Equal(1, scrape.Value(requests, ("source", "unknown"), ("outcome", "unknown_source")));
        Assert.Equal(1, scrape.Value("incidentbot_alerts_accepted_total", ("source", "alertmanager")));
        Assert.Equal(3, scrape.Value("incidentbot_webhook_duration_seconds_count", ("source", "alertmanager")));
        Assert.Equal(1, scrape.Value("incidentbot_incidents_open", ("severity", "SEV1"), ("drill", "false")));
        Assert.Equal(0, scrape.Value("incidentbot_incidents_open", ("severity", "SEV2"), ("drill", "false")));
        Assert.Equal(0, scrape.Value("incidentbot_inbox_pending"));
        Assert.NotNull(scrape.Value("incidentbot_outbox_pending"));
        // ASP.NET Core's and the runtime's own instruments come along.
        Assert.Contains("http_server_request_duration_seconds_bucket", scrape.Text);
        Assert.Contains("dotnet_gc_collections_total", scrape.Text);
    }

    [Fact]
    public async Task AlertsKeptInTheInboxInsteadOfCorrelatedOnArrivalAreCountedByReason()
    {
        await using var app = new IncidentBotApplication(new() { ["Intake:PauseProcessing"] = "true" });

        await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));

        var scrape = await PrometheusScrape.ReadAsync(app.CreateClient());
        Assert.Equal(2, scrape.Value("incidentbot_alerts_queued_total", ("reason", "paused")));
        Assert.Equal(2, scrape.Value("incidentbot_inbox_pending"));
    }

    [Fact]
    public async Task ResponseTimesStepDurationsDrillsAndRemindersAreRecordedAndDrillsAreLeftOutOfResponseTimes()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = new IncidentBotApplication(new() { ["Drills:Leads:0"] = "lead" }, services: s => s.AddSingleton<TimeProvider>(clock));
        await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await app.WaitForProcessingAsync();

        clock.SetUtcNow(Start.AddMinutes(4));
        await app.CommandAsync(1, "alice", "ack");
        await app.CommandAsync(1, "alice", "runbook start database-failover");
        clock.SetUtcNow(Start.AddMinutes(10));
        await app.CommandAsync(1, "alice", "done");
        clock.SetUtcNow(Start.AddMinutes(16)); // past the 15-minute SEV1 update reminder
        await Eventually.TrueAsync(async () => (await app.GetIncidentAsync(1)).Timeline!.Any(t => t.Kind == "missed-update"), "the reminder");
        clock.SetUtcNow(Start.AddMinutes(20));
        await app.CommandAsync(1, "alice", "mitigate failed over to the replica");
        clock.SetUtcNow(Start.AddMinutes(30));
        await app.CommandAsync(1, "alice", "resolve primary rebuilt");
        var drill = await app.CommandAsync(null, "lead", "drill run database-failover");
        Assert.True(drill.Ok, drill.AllText);
        clock.SetUtcNow(Start.AddMinutes(31));
        await app.CommandAsync(drill.IncidentNumber, "lead", "ack");

        var step = (await app.GetIncidentAsync(1)).RunbookSessions!.Single().Steps![0];
        await Eventually.TrueAsync(async () => (await PrometheusScrape.ReadAsync(app.CreateClient())).Value("incidentbot_incident_time_to_resolve_seconds_count", ("service", "orders-db")) == 1, "the resolve to be recorded");
        var scrape = await PrometheusScrape.ReadAsync(app.CreateClient());
        (string, string)[] realSev1 = [("service", "orders-db"), ("severity", "SEV1")];
        Assert.Equal(1, scrape.Value("incidentbot_incident_time_to_acknowledge_seconds_count", realSev1));
        Assert.Equal(240, scrape.Value("incidentbot_incident_time_to_acknowledge_seconds_sum", realSev1));
        Assert.Equal(1, scrape.Value("incidentbot_incident_time_to_acknowledge_seconds_bucket", [.. realSev1, ("le", "300")]));
        Assert.Equal(0, scrape.Value("incidentbot_incident_time_to_acknowledge_seconds_bucket", [.. realSev1, ("le", "120")]));
        Assert.Equal(1200, scrape.Value("incidentbot_incident_time_to_mitigate_seconds_sum", realSev1));
        Assert.Equal(1800, scrape.Value("incidentbot_incident_time_to_resolve_seconds_sum", realSev1));
        Assert.Equal(1, scrape.Value("incidentbot_drills_run_total", ("trigger", "command")));
        Assert.Equal(1, scrape.Value("incidentbot_reminders_fired_total"));
        Assert.Equal(1, scrape.Value("incidentbot_incidents_open", ("severity", "SEV1"), ("drill", "true")));
        (string, string)[] firstStep = [("runbook", "database-failover"), ("outcome", "done")];
        Assert.Equal(1, scrape.Value("incidentbot_runbook_step_duration_seconds_count", firstStep));
        Assert.Equal(step.DurationSeconds, scrape.Value("incidentbot_runbook_step_duration_seconds_sum", firstStep));
    }
}

/// <summary>
/// OpenTelemetry listens to meters by name, so a bot's /metrics would also count what other bots in the same
/// test process do at the same time (never so in production: one bot per process). These tests run alone.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;
