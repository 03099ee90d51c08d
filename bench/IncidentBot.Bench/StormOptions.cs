namespace IncidentBot.Bench;

/// <summary>Which storm, against which store; <c>--postgres</c> names a server (a role that may create databases).</summary>
public sealed record StormOptions(StormPlan Plan, BenchStore Store, string? PostgresConnectionString)
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
                default:
                    Console.Error.WriteLine($"unknown or incomplete option: {arguments[i]}");
                    return false;
            }
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
