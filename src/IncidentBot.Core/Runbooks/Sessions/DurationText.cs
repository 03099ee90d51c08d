namespace IncidentBot.Runbooks.Sessions;

/// <summary>Durations the way people say them: <c>45s</c>, <c>2m 10s</c>, <c>1h 3m</c>.</summary>
public static class DurationText
{
    public static string Of(TimeSpan duration) => duration switch
    {
        { TotalHours: >= 1 } => $"{(int)duration.TotalHours}h {duration.Minutes}m",
        { TotalMinutes: >= 1 } => $"{duration.Minutes}m {duration.Seconds}s",
        _ => $"{Math.Max(0, (int)Math.Round(duration.TotalSeconds))}s",
    };
}
