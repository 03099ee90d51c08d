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

    /// <summary>
    /// The whole machine's CPU time so far, from the first line of <c>/proc/stat</c>: the time every core spent busy
    /// (everything but idle and waiting for I/O) and the time all cores had (busy or not), or null without /proc.
    /// </summary>
    public static MachineCpu? Machine()
    {
        string line;
        try
        {
            line = File.ReadLines("/proc/stat").First();
        }
        catch (IOException)
        {
            return null;
        }
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is already counted in user.
        var ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var all = ticks.Sum();
        return new MachineCpu(Ticks(all - ticks[3] - ticks[4]), Ticks(all));
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

/// <summary>The machine's CPU time: what its cores spent busy, out of all they had.</summary>
public sealed record MachineCpu(TimeSpan Busy, TimeSpan All)
{
    public static MachineCpu operator -(MachineCpu after, MachineCpu before) => new(after.Busy - before.Busy, after.All - before.All);

    public double BusyShare => All <= TimeSpan.Zero ? 0 : Busy / All;
}

/// <summary>
/// CPU time spent during the measured storm: by the bot processes, by the PostgreSQL server if the bench can see it,
/// by the bench itself (the load's 32 connections and the fake Slack), by the whole machine, and what the bots'
/// runtime counters say went to the JIT and GC pauses.
/// </summary>
public sealed record CpuUsed(TimeSpan Bot, TimeSpan? Database, RuntimeCounters Runtime, TimeSpan? Bench = null, MachineCpu? Machine = null)
{
    /// <summary>Microseconds of CPU per alert.</summary>
    public static double PerAlert(TimeSpan cpu, int alerts) => alerts == 0 ? 0 : cpu.TotalMicroseconds / alerts;

    /// <summary>
    /// The most alerts per second the bot and its database could take at this CPU per alert with every core of the
    /// machine theirs and nothing waiting: the ceiling no change to how the writes are scheduled can pass, only doing
    /// less work per alert. Null when the database's CPU could not be seen.
    /// </summary>
    public double? CeilingAlertsPerSecond(int alerts) =>
        Database is { } database && alerts > 0 ? Environment.ProcessorCount * 1e6 / PerAlert(Bot + database, alerts) : null;
}
