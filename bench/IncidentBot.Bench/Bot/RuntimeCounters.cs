using System.Globalization;

namespace IncidentBot.Bench.Bot;

/// <summary>
/// The .NET runtime's own counters (the <c>System.Runtime</c> meter) as the bot's <c>/metrics</c> shows them: time in
/// the just-in-time compiler, methods it compiled, time the GC paused the process, bytes allocated. Read before and
/// after the measured storm, they say how much of the bot's CPU went to compiling rather than to alerts, and how much
/// memory it asked for per alert: unlike CPU time, that figure hardly moves with the machine's other work, so it shows
/// a change to the bot's work that this noisy machine's CPU figures cannot.
/// </summary>
public sealed record RuntimeCounters(double JitSeconds, long JitMethods, double GcPauseSeconds, double AllocatedBytes)
{
    public static readonly RuntimeCounters None = new(0, 0, 0, 0);

    public static RuntimeCounters operator -(RuntimeCounters after, RuntimeCounters before) =>
        new(after.JitSeconds - before.JitSeconds, after.JitMethods - before.JitMethods, after.GcPauseSeconds - before.GcPauseSeconds,
            after.AllocatedBytes - before.AllocatedBytes);

    public static RuntimeCounters operator +(RuntimeCounters a, RuntimeCounters b) =>
        new(a.JitSeconds + b.JitSeconds, a.JitMethods + b.JitMethods, a.GcPauseSeconds + b.GcPauseSeconds, a.AllocatedBytes + b.AllocatedBytes);

    /// <summary>Scrapes <c>/metrics</c>; <see cref="None"/> if it cannot be read (the figures are context, not a target).</summary>
    public static async Task<RuntimeCounters> ReadAsync(Uri botAddress)
    {
        try
        {
            using var client = new HttpClient { BaseAddress = botAddress, Timeout = TimeSpan.FromSeconds(10) };
            var text = await client.GetStringAsync("/metrics");
            return new RuntimeCounters(
                Value(text, "dotnet_jit_compilation_time_seconds_total"),
                (long)Value(text, "dotnet_jit_compiled_methods_total"),
                Value(text, "dotnet_gc_pause_time_seconds_total"),
                Value(text, "dotnet_gc_heap_total_allocated_bytes_total"));
        }
        catch (HttpRequestException)
        {
            return None;
        }
    }

    /// <summary>The sum of a Prometheus counter's series (one line per label set: <c>name{labels} value</c>).</summary>
    private static double Value(string exposition, string name) => exposition.Split('\n')
        .Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is '{' or ' ')
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
