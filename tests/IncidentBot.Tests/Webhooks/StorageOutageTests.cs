using System.Net;
using IncidentBot.Alerts;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace IncidentBot.Tests.Webhooks;

/// <summary>When alerts cannot be stored, senders are told to retry: nothing is acknowledged that was not stored.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class StorageOutageTests
{
    [Fact]
    public async Task WebhookAnswers503WithRetryAfterWhenTheInboxCannotBeWritten()
    {
        var inbox = Substitute.For<IAlertInboxStore>();
        // Older alerts wait in the inbox, so new ones must queue behind them there rather than be correlated now.
        inbox.HasPendingAsync(Arg.Any<CancellationToken>()).Returns(true);
        inbox.ClaimAsync(default!, default, default, default, default).ReturnsForAnyArgs(ValueTask.FromResult<IReadOnlyList<InboxEntry>>([]));
        inbox.AppendAsync(Arg.Any<IReadOnlyList<InboxEntry>>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromException(new IOException("No space left on device")));
        await using var app = new IncidentBotApplication(services: s => s.AddSingleton(inbox));

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Nothing was stored; send it again.", body);
        Assert.DoesNotContain("No space left", body);
    }

    [Fact]
    public async Task HealthAndReadinessReportTheirChecks()
    {
        await using var app = new IncidentBotApplication();
        var client = app.CreateClient();

        var health = await client.GetAsync("/healthz");
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readiness");
        var ready = await (await client.GetAsync("/readyz")).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"storage\":{\"status\":\"healthy\"", ready);
        Assert.Contains("\"alert-processor\":{\"status\":\"healthy\"", ready);
    }

    [Fact]
    public async Task ReadinessFailsWhenStorageCannotBeWritten()
    {
        var health = Substitute.For<IStorageHealth>();
        health.ProbeAsync(Arg.Any<CancellationToken>()).Returns("Access to the path is denied.");
        await using var app = new IncidentBotApplication(services: s => s.AddSingleton(health));

        var response = await app.CreateClient().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("cannot be written: Access to the path is denied.", await response.Content.ReadAsStringAsync());
    }
}
