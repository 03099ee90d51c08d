namespace IncidentBot.Bench;

/// <summary>
/// Which storm, against which store; <c>--postgres</c> names a server (a role that may create databases);
/// <c>--replicas N</c> (PostgreSQL only) runs the bot storm against one replica and then against N on the same server;
/// <c>--bot path/IncidentBot.dll</c> runs that build of the bot (a published one, say) instead of the one built beside the bench;
/// <c>--bot-env NAME=VALUE</c> (repeatable) sets an environment variable of the bot processes only (a runtime knob
/// such as <c>DOTNET_TieredPGO=0</c>, or a setting such as <c>Intake__BatchSize=200</c>); <c>--warm-ups N</c> sends the
/// bot N warm-up storms (each with keys of its own) before the measured one instead of 1, to see what a long-running,
/// fully compiled bot costs; <c>--database-latency MS</c> (PostgreSQL only) puts a proxy that holds every packet MS
/// milliseconds each way between PostgreSQL and both the baseline and the bot, as a database across a network would.
/// </summary>
public sealed record StormOptions(StormPlan Plan, BenchStore Store, string? PostgresConnectionString, int Replicas = 1, string? BotAssembly = null, IReadOnlyDictionary<string, string>? BotEnvironment = null, int WarmUps = 1, TimeSpan DatabaseLatency = default)
{
    public static bool TryParse(IReadOnlyList<string> arguments, out StormOptions options)
    {
        options = new StormOptions(StormPlan.Full, BenchStore.LiteDb, null);
        for (var i = 0; i < arguments.Count; i++)
        {
            switch (arguments[i])
            {
                case "--quick":
                    options = options with { Plan = StormPlan.Quick };
                    break;
                case "--store" when i + 1 < arguments.Count && arguments[i + 1] is "litedb" or "postgres":
                    options = options with { Store = arguments[++i] == "postgres" ? BenchStore.Postgres : BenchStore.LiteDb };
                    break;
                case "--postgres" when i + 1 < arguments.Count:
                    options = options with { Store = BenchStore.Postgres, PostgresConnectionString = arguments[++i] };
                    break;
                case "--replicas" when i + 1 < arguments.Count && int.TryParse(arguments[i + 1], out var replicas) && replicas is >= 1 and <= 8:
                    options = options with { Replicas = replicas };
                    i++;
                    break;
                case "--bot" when i + 1 < arguments.Count && File.Exists(arguments[i + 1]):
                    options = options with { BotAssembly = Path.GetFullPath(arguments[++i]) };
                    break;
                case "--bot-env" when i + 1 < arguments.Count && arguments[i + 1].IndexOf('=', StringComparison.Ordinal) > 0:
                    var (name, value) = (arguments[i + 1][..arguments[i + 1].IndexOf('=', StringComparison.Ordinal)], arguments[i + 1][(arguments[i + 1].IndexOf('=', StringComparison.Ordinal) + 1)..]);
                    options = options with { BotEnvironment = new Dictionary<string, string>(options.BotEnvironment ?? new Dictionary<string, string>()) { [name] = value } };
                    i++;
                    break;
                case "--database-latency" when i + 1 < arguments.Count && double.TryParse(arguments[i + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms is > 0 and <= 50:
                    options = options with { DatabaseLatency = TimeSpan.FromMilliseconds(ms) };
                    i++;
                    break;
                case "--warm-ups" when i + 1 < arguments.Count && int.TryParse(arguments[i + 1], out var warmUps) && warmUps is >= 1 and <= 20:
                    options = options with { WarmUps = warmUps };
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete option: {arguments[i]}");
                    return false;
            }
        }
        if (options.Replicas > 1 && options.Store != BenchStore.Postgres)
        {
            Console.Error.WriteLine("--replicas needs --store postgres (or --postgres): LiteDB runs one process only");
            return false;
        }
        if (options.DatabaseLatency > TimeSpan.Zero && options.Store != BenchStore.Postgres)
        {
            Console.Error.WriteLine("--database-latency needs --store postgres (or --postgres): LiteDB is a file in the bot's own process");
            return false;
        }
        return true;
    }
}

/// <summary>The store the bot runs on during the storm.</summary>
public enum BenchStore
{
    LiteDb,
    Postgres,
}
