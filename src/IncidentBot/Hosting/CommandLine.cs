using IncidentBot.Rca;
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
                exitCode = RunbookLint.Run(rest.Length > 0 ? rest[0] : ConfiguredPath(args, $"{RunbookOptions.Section}:{nameof(RunbookOptions.Path)}", new RunbookOptions().Path), Console.Out);
                return true;
            case ["rca", "export", var folder, .. var rest]:
                exitCode = ExportRcas(args, folder, rest);
                return true;
            case ["rca", ..]:
                Console.Error.WriteLine("Usage: rca export <folder> [--since <date>]   (one Markdown file per review)");
                exitCode = 2;
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

    /// <summary>Reads the data file directly, so it runs while the bot is stopped (LiteDB opens the file exclusively).</summary>
    private static int ExportRcas(string[] args, string folder, string[] rest)
    {
        DateTimeOffset? since = null;
        if (rest is ["--since", var date])
        {
            if (!RcaExport.TryParseSince(date, out var parsed))
            {
                Console.Error.WriteLine($"--since '{date}' is not a date, e.g. 2026-11-01.");
                return 2;
            }
            since = parsed;
        }
        else if (rest.Length > 0)
        {
            Console.Error.WriteLine("Usage: rca export <folder> [--since <date>]");
            return 2;
        }
        var path = ConfiguredPath(args, $"{Storage.StorageOptions.Section}:{nameof(Storage.StorageOptions.Path)}", new Storage.StorageOptions().Path);
        try
        {
            using var storage = new Storage.LiteDb.LiteDbStorage(path, Microsoft.Extensions.Logging.Abstractions.NullLogger<Storage.LiteDb.LiteDbStorage>.Instance);
            return RcaExport.Run(folder, since, storage, storage, Console.Out);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Cannot open {path}: {ex.Message} Stop the bot first, or read reviews from GET /api/incidents/<number>/rca.");
            return 1;
        }
    }

    /// <summary>A path setting as the server would read it, relative to the folder holding appsettings.json.</summary>
    private static string ConfiguredPath(string[] args, string key, string fallback)
    {
        var home = BotHome.Locate(args) ?? Directory.GetCurrentDirectory();
        var configuration = new ConfigurationBuilder()
            .SetBasePath(home)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return BotHome.Resolve(home, configuration[key] ?? fallback);
    }
}
