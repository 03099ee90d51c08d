namespace IncidentBot.Bench.Load;

/// <summary>What one storm through <see cref="LoadDriver"/> measured. Times are from the first request sent.</summary>
public sealed record LoadResult(int Alerts, int Requests, int Failures, TimeSpan LastAccepted, double[] LatenciesMs)
{
    public double AlertsPerSecond => Alerts / LastAccepted.TotalSeconds;

    public double Percentile(double fraction)
    {
        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public double MaxMs => LatenciesMs.Max();
}
