using IncidentBot.Runbooks;

namespace IncidentBot.Hosting;

/// <summary>The bot's command-line tools, run instead of the server: <c>runbooks lint [path]</c>.</summary>
internal static class CommandLine
{
    /// <summary>True when <paramref name="args"/> named a tool; <paramref name="exitCode"/> is then its result.</summary>
    public static bool TryRun(string[] args, out int exitCode)
    {
        switch (args)
        {
            case ["runbooks", "lint", .. var rest]:
                exitCode = RunbookLint.Run(rest.Length > 0 ? rest[0] : DefaultRunbookPath(args), Console.Out);
                return true;
            case ["runbooks", ..]:
                Console.Error.WriteLine("Usage: runbooks lint [path]   (checks a folder or one file; exits 1 when it finds problems)");
                exitCode = 2;
                return true;
            default:
                exitCode = 0;
                return false;
        }
    }

    /// <summary><c>Runbooks:Path</c> as the server would read it, relative to the folder holding appsettings.json.</summary>
    private static string DefaultRunbookPath(string[] args)
    {
        var home = BotHome.Locate(args) ?? Directory.GetCurrentDirectory();
        var configuration = new ConfigurationBuilder()
            .SetBasePath(home)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var path = configuration[$"{RunbookOptions.Section}:{nameof(RunbookOptions.Path)}"] ?? new RunbookOptions().Path;
        return Path.IsPathRooted(path) ? path : Path.Combine(home, path);
    }
}
