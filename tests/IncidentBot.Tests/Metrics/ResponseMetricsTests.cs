using System.Net;
using System.Text.Json;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Metrics;

/// <summary>Response metrics over scripted incidents with known times; drills are reported apart.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ResponseMetricsTests
{
    [Fact]
    public async Task MeansMatchHandComputedValuesAndDrillsAreApart()
    {
        var start = new DateTimeOffset(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        await using var app = new IncidentBotApplication(new() { ["Drills:Leads:0"] = "lena", ["Reminders:Intervals:Sev1"] = "00:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));

        async Task ScriptAsync(string command, int number, TimeSpan ack, TimeSpan mitigate, TimeSpan resolve)
        {
            var opened = clock.GetUtcNow();
            await app.CommandAsync(null, "alice", command);
            clock.SetUtcNow(opened + ack);
            await app.CommandAsync(number, "alice", "ack");
            clock.SetUtcNow(opened + mitigate);
            await app.CommandAsync(number, "alice", "mitigate");
            clock.SetUtcNow(opened + resolve);
            await app.CommandAsync(number, "alice", "resolve");
            clock.Advance(TimeSpan.FromHours(1));
        }

        await ScriptAsync("declare Checkout errors sev1", 1, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(10));
        await ScriptAsync("declare Checkout errors again sev1", 2, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20));
        await app.CommandAsync(null, "lena", "drill run deploy-error-spike");
        clock.Advance(TimeSpan.FromMinutes(30));
        await app.CommandAsync(3, "lena", "ack");

        var json = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/metrics/response?since=2026-11-01")).RootElement;

        var real = Assert.Single(json.GetProperty("incidents").EnumerateArray());
        Assert.Equal(2, real.GetProperty("count").GetInt32());
        Assert.Equal(180, real.GetProperty("mttaSeconds").GetDouble());  // (120 + 240) / 2
        Assert.Equal(480, real.GetProperty("mttmSeconds").GetDouble());  // (360 + 600) / 2
        Assert.Equal(900, real.GetProperty("mttrSeconds").GetDouble());  // (600 + 1200) / 2
        var drill = Assert.Single(json.GetProperty("drills").EnumerateArray());
        Assert.Equal(1800, drill.GetProperty("mttaSeconds").GetDouble());
        Assert.Equal(2, json.GetProperty("updates").GetProperty("incidents").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.CreateClient().GetAsync("/api/metrics/response?since=soon")).StatusCode);
    }

    [Fact]
    public async Task APeriodWithAnEndCountsOnlyIncidentsOpenedInsideIt()
    {
        var start = new DateTimeOffset(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        await using var app = new IncidentBotApplication(services: services => services.AddSingleton<TimeProvider>(clock));
        await app.CommandAsync(null, "alice", "declare Checkout errors sev1");
        clock.Advance(TimeSpan.FromMinutes(2));
        await app.CommandAsync(1, "alice", "ack");
        clock.SetUtcNow(start.AddDays(1));
        await app.CommandAsync(null, "alice", "declare Checkout errors again sev1");
        clock.Advance(TimeSpan.FromMinutes(8));
        await app.CommandAsync(2, "alice", "ack");

        var firstDay = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/metrics/response?since=2026-11-02&until=2026-11-03")).RootElement;
        var secondDay = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/metrics/response?since=2026-11-03&until=2026-11-04")).RootElement;
        var backwards = await app.CreateClient().GetAsync("/api/metrics/response?since=2026-11-04&until=2026-11-03");

        Assert.Equal(120, Assert.Single(firstDay.GetProperty("incidents").EnumerateArray()).GetProperty("mttaSeconds").GetDouble());
        Assert.Equal(480, Assert.Single(secondDay.GetProperty("incidents").EnumerateArray()).GetProperty("mttaSeconds").GetDouble());
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("must be before until", await backwards.Content.ReadAsStringAsync());
    }
}
