using System.Globalization;

namespace IncidentBot.Bench.Bot;

/// <summary>
/// CPU time (user + system) a process, or a process and its children, has used so far, read from
/// <c>/proc/&lt;pid&gt;/stat</c>. On a machine shared with other work, wall-clock throughput is noise, but the CPU a
/// process spends per alert is not: it is what the bench reports beside intake, before and after a change.
/// </summary>
public static class ProcessCpu
{
    /// <summary>USER_HZ: the unit of /proc's times, 100 on every Linux the bench runs on (<c>getconf CLK_TCK</c>).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>True where <c>/proc</c> can be read (Linux).</summary>
    public static bool Available => File.Exists("/proc/self/stat");

    /// <summary>User + system time of one process, or null if it is gone or /proc is not there.</summary>
    public static TimeSpan? Of(int pid) => Read(pid) is { } stat ? Ticks(stat.User + stat.System) : null;

    /// <summary>
    /// User + system time of a process, of its children that have exited (its <c>cutime</c> + <c>cstime</c>), and of
    /// its live children: PostgreSQL's postmaster and its backends, so a backend that ends between two readings
    /// still counts in both.
    /// </summary>
    public static TimeSpan? OfTree(int rootPid)
    {
        if (Read(rootPid) is not { } root)
        {
            return null;
        }
        var ticks = root.User + root.System + root.ChildrenUser + root.ChildrenSystem;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != rootPid && Read(pid) is { } child && child.Parent == rootPid)
            {
                ticks += child.User + child.System + child.ChildrenUser + child.ChildrenSystem;
            }
        }
        return Ticks(ticks);
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces: the fields after it start at the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new Stat((int)Field(4), Field(14), Field(15), Field(16), Field(17));
    }

    private sealed record Stat(int Parent, long User, long System, long ChildrenUser, long ChildrenSystem);
}

/// <summary>
/// CPU time spent during the measured storm: by the bot processes, by the PostgreSQL server if the bench can see it,
/// and what the bots' runtime counters say went to the JIT and GC pauses.
/// </summary>
public sealed record CpuUsed(TimeSpan Bot, TimeSpan? Database, RuntimeCounters Runtime)
{
    /// <summary>Microseconds of CPU per alert.</summary>
    public static double PerAlert(TimeSpan cpu, int alerts) => alerts == 0 ? 0 : cpu.TotalMicroseconds / alerts;
}
