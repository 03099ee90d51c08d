using IncidentBot.Incidents;
using IncidentBot.Reminders;

namespace IncidentBot.Tests.Reminders;

/// <summary>When the next status update is due, per severity, after updates and reminders.</summary>
public sealed class ReminderOptionsTests
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private readonly ReminderOptions _options = new();

    [Theory]
    [InlineData(Severity.Sev1, 15)]
    [InlineData(Severity.Sev2, 30)]
    [InlineData(Severity.Sev3, 60)]
    public void DefaultIntervalsFollowTheSeverity(Severity severity, int minutes)
    {
        Assert.Equal(Opened.AddMinutes(minutes), _options.DueFor(new Incident { Severity = severity, CreatedAt = Opened }));
    }

    [Fact]
    public void TheLatestOfUpdateAndReminderStartsTheNextInterval()
    {
        var incident = new Incident { Severity = Severity.Sev1, CreatedAt = Opened, LastUpdateAt = Opened.AddMinutes(10), LastReminderAt = Opened.AddMinutes(25) };

        Assert.Equal(Opened.AddMinutes(40), _options.DueFor(incident));
    }

    [Fact]
    public void Sev4DrillsAndResolvedIncidentsAreNeverReminded()
    {
        Assert.Null(_options.DueFor(new Incident { Severity = Severity.Sev4, CreatedAt = Opened }));
        Assert.Null(_options.DueFor(new Incident { Severity = Severity.Sev1, CreatedAt = Opened, IsDrill = true }));
        Assert.Null(_options.DueFor(new Incident { Severity = Severity.Sev1, CreatedAt = Opened, Status = IncidentStatus.Resolved }));
    }
}
