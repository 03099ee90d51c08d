using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IncidentBot.Tests.Access;

/// <summary><c>Drills:Leads</c> keeps working, and the log says once, at start, that it is deprecated for <c>Access:Leads</c>.</summary>
public sealed class DrillLeadsNoticeTests
{
    [Theory]
    [InlineData(true, false, "everyone else is a responder while no Access list is set")]
    [InlineData(true, true, "beside Access:Leads")]
    [InlineData(false, true, null)]
    [InlineData(false, false, null)]
    public async Task DrillLeadsAreWarnedAboutAtStartOnlyWhenSet(bool drillLeads, bool accessLists, string? expected)
    {
        var logs = new FakeLogCollector();
        var settings = new Dictionary<string, string?>();
        if (drillLeads)
        {
            settings["Drills:Leads:0"] = "lena";
        }
        if (accessLists)
        {
            settings["Access:Viewers:0"] = "viewer@example.com";
        }
        await using var app = new IncidentBotApplication(settings, services => services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs)));
        _ = app.Services; // starts the host

        var warnings = logs.GetSnapshot().Where(r => r.Message.Contains("Drills:Leads is deprecated", StringComparison.Ordinal)).ToList();
        if (expected is null)
        {
            Assert.Empty(warnings);
            return;
        }
        var warning = Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("move its 1 lead(s) to Access:Leads", warning.Message);
        Assert.Contains(expected, warning.Message);
    }
}
