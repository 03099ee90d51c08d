using System.Net;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Storage;

/// <summary>The data file stops taking writes, then takes them again: senders retry, and the bot recovers by itself.</summary>
[Trait(StoreTrait.Name, StoreTrait.LiteDb)]
public sealed class StorageFailureTests
{
    [Fact]
    public async Task FullDiskAnswers503AndFailsReadinessThenRecoversWithoutARestart()
    {
        await using var app = new IncidentBotApplication(services: services =>
        {
            services.AddSingleton(sp => new FullDiskStorage(sp.GetRequiredService<LiteDbStorage>()));
            services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<FullDiskStorage>());
            services.AddSingleton<IAlertInboxStore>(sp => sp.GetRequiredService<FullDiskStorage>());
            services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<FullDiskStorage>());
            services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<FullDiskStorage>());
        });
        var disk = app.Services.GetRequiredService<FullDiskStorage>();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/generic", Alert("before"))).StatusCode);
        await app.WaitForProcessingAsync();

        disk.Full = true;
        var refused = await app.PostRawAsync("/webhooks/generic", Alert("during"));
        var refusedBatch = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));
        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedBatch.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("No space left on device", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        await Task.Delay(300); // the processor and outbox keep meeting the failure meanwhile
        Assert.Equal(0, await app.Inbox.PendingCountAsync());

        disk.Full = false;
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readiness to come back by itself");
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/generic", Alert("after"))).StatusCode);
        await app.WaitForProcessingAsync();

        // What was refused is not there (its sender retries); what was acknowledged on either side of the outage is.
        Assert.Equal(["Disk alert after", "Disk alert before"], (await app.ListIncidentsAsync()).Select(i => i.Title).Order());
    }

    private static string Alert(string when) => $$"""{"title":"Disk alert {{when}}","dedupKey":"disk-{{when}}"}""";
}
