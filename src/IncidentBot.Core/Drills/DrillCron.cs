using Quartz;

namespace IncidentBot.Drills;

/// <summary>Quartz cron expressions and time zones, checked and explained the way a lead needs at 3 a.m.</summary>
public static class DrillCron
{
    /// <summary>Null when valid; otherwise what is wrong, in words.</summary>
    public static string? Problem(string cron)
    {
        try
        {
            _ = new CronExpression(cron);
            return null;
        }
        catch (FormatException ex)
        {
            return $"`{cron}` is not a Quartz cron expression: {ex.Message} Quartz cron has six or seven fields — seconds minutes hours day-of-month month day-of-week [year] — and one of day-of-month or day-of-week must be `?`, e.g. `0 0 10 ? * TUE` (Tuesdays at 10:00).";
        }
    }

    public static bool TryFindTimeZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    public static IReadOnlyList<DateTimeOffset> Next(string cron, TimeZoneInfo zone, DateTimeOffset after, int count)
    {
        var expression = new CronExpression(cron, zone);
        var times = new List<DateTimeOffset>();
        for (var next = expression.GetNextValidTimeAfter(after); next is { } time && times.Count < count; next = expression.GetNextValidTimeAfter(time))
        {
            times.Add(time);
        }
        return times;
    }

    /// <summary>The latest fire time after <paramref name="since"/> and at or before <paramref name="now"/>, if any.</summary>
    public static DateTimeOffset? LastDue(string cron, TimeZoneInfo zone, DateTimeOffset since, DateTimeOffset now)
    {
        var expression = new CronExpression(cron, zone);
        DateTimeOffset? last = null;
        for (var next = expression.GetNextValidTimeAfter(since); next is { } time && time <= now; next = expression.GetNextValidTimeAfter(time))
        {
            last = time;
        }
        return last;
    }

    public static string Describe(DateTimeOffset time, TimeZoneInfo zone) =>
        $"{TimeZoneInfo.ConvertTime(time, zone):ddd yyyy-MM-dd HH:mm} {zone.Id}";
}
