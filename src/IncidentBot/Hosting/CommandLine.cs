using IncidentBot.Backups;
using IncidentBot.Catalog;
using IncidentBot.Health;
using IncidentBot.Rca;
using IncidentBot.Runbooks;

namespace IncidentBot.Hosting;

/// <summary>
/// The bot's command-line tools, run instead of the server: <c>runbooks lint [path]</c>, <c>catalog lint [path]</c>, <c>rca export</c>,
/// <c>backup</c>, <c>restore</c>, <c>storage copy</c>, <c>healthcheck</c> and <c>tokens</c>, and <c>--help</c> / <c>help [command]</c>.
/// Exit codes: 0 done, 1 failed, 2 usage. Anything else starts the server: no arguments, or configuration such as
/// <c>--urls http://0.0.0.0:8080</c> or <c>Storage:Path=/data/bot.db</c>; a bare word that names no command is a
/// usage error, so a mistyped command never starts a second bot by accident.
/// </summary>
internal static class CommandLine
{
    private const string RcaUsage = "Usage: rca export <folder> [--since <date>]   (one Markdown file per review; stop the bot first)";
    private const string RunbooksUsage = "Usage: runbooks lint [path]   (checks a folder or one file; exits 1 when it finds problems)";

    /// <summary>Every command with its usage line, in the order help lists them.</summary>
    private static readonly (string Name, string Usage)[] Commands =
    [
        ("runbooks", RunbooksUsage),
        ("catalog", CatalogLint.Usage),
        ("rca", RcaUsage),
        ("backup", BackupCommand.Usage),
        ("restore", RestoreCommand.Usage),
        ("storage", StorageCopyCommand.Usage),
        ("healthcheck", HealthCheckCommand.Usage),
        ("tokens", Access.TokensCommand.Usage),
    ];

    /// <summary>What <c>--help</c> prints: how to start the server, then every command.</summary>
    public static string Help() => string.Join(Environment.NewLine,
    [
        "IncidentBot: an incident-response chat bot.",
        "",
        "Usage: IncidentBot [configuration]   (starts the server; with `dotnet run --project src/IncidentBot [-- configuration]`)",
        "  configuration: any setting as --Key value or Key=value, e.g. --urls http://0.0.0.0:8080 or Storage:Provider=postgres",
        "  (docs/configuration.md lists them; environment variables such as Storage__Provider work too)",
        "",
        "       IncidentBot <command> …   (runs a tool instead of the server)",
        .. Commands.Select(c => "  " + c.Usage["Usage: ".Length..]),
        "",
        "       IncidentBot help <command>   (one command's usage)",
        "Exit codes: 0 done, 1 failed, 2 usage.",
        "",
    ]);

    /// <summary>True when <paramref name="args"/> named a tool; <paramref name="exitCode"/> is then its result.</summary>
    public static bool TryRun(string[] args, out int exitCode)
    {
        switch (args)
        {
            case ["--help" or "-h" or "-?" or "help"]:
                Console.Out.Write(Help());
                exitCode = 0;
                return true;
            case ["help", var command] when Commands.Any(c => c.Name == command):
                Console.Out.WriteLine(Commands.First(c => c.Name == command).Usage);
                exitCode = 0;
                return true;
            case ["help", var command, ..]:
                Console.Error.WriteLine($"There is no command '{command}'.");
                Console.Error.Write(Help());
                exitCode = 2;
                return true;
            case ["runbooks", "lint", .. var rest]:
                exitCode = RunbookLint.Run(rest.Length > 0 ? rest[0] : ConfiguredPath(args, $"{RunbookOptions.Section}:{nameof(RunbookOptions.Path)}", new RunbookOptions().Path), Console.Out);
                return true;
            case ["catalog", "lint", .. var rest]:
                exitCode = CatalogLint.Run(rest is [var path, ..] && !path.StartsWith('-') && !path.Contains('=') ? path : ConfiguredPath(args, $"{CatalogOptions.Section}:{nameof(CatalogOptions.Path)}", new CatalogOptions().Path), Console.Out);
                return true;
            case ["catalog", ..]:
                Console.Error.WriteLine(CatalogLint.Usage);
                exitCode = 2;
                return true;
            case ["rca", "export", var folder, .. var rest]:
                exitCode = ExportRcas(args, folder, rest);
                return true;
            case ["rca", ..]:
                Console.Error.WriteLine(RcaUsage);
                exitCode = 2;
                return true;
            case ["runbooks", ..]:
                Console.Error.WriteLine(RunbooksUsage);
                exitCode = 2;
                return true;
            // The tools below talk to the bot over HTTP; nothing else runs in this process, so waiting here is safe.
            case ["backup", var file] when IsFile(file):
                exitCode = BackupCommand.RunAsync(ToolConfiguration.Load(args), file, null, Console.Out, Console.Error).GetAwaiter().GetResult();
                return true;
            case ["backup", var file, "--url", var url] when IsFile(file) && IsHttpUrl(url, out var bot):
                exitCode = BackupCommand.RunAsync(ToolConfiguration.Load(args), file, bot, Console.Out, Console.Error).GetAwaiter().GetResult();
                return true;
            case ["backup", ..]:
                Console.Error.WriteLine(BackupCommand.Usage);
                exitCode = 2;
                return true;
            case ["restore", var file] when IsFile(file):
                exitCode = RestoreCommand.Run(ToolConfiguration.Load(args), file, Console.Out, Console.Error);
                return true;
            case ["restore", ..]:
                Console.Error.WriteLine(RestoreCommand.Usage);
                exitCode = 2;
                return true;
            // Reads a stopped bot's data file and writes PostgreSQL; it talks to no bot.
            case ["storage", "copy", var file, var connectionString] when IsFile(file):
                exitCode = StorageCopyCommand.Run(file, connectionString, Console.Out, Console.Error);
                return true;
            case ["storage", ..]:
                Console.Error.WriteLine(StorageCopyCommand.Usage);
                exitCode = 2;
                return true;
            case ["healthcheck"]:
                exitCode = HealthCheckCommand.RunAsync(new Uri(ToolConfiguration.Load(args).LocalAddress, "/healthz"), Console.Out).GetAwaiter().GetResult();
                return true;
            case ["healthcheck", var url] when IsHttpUrl(url, out var address):
                exitCode = HealthCheckCommand.RunAsync(address, Console.Out).GetAwaiter().GetResult();
                return true;
            case ["healthcheck", ..]:
                Console.Error.WriteLine(HealthCheckCommand.Usage);
                exitCode = 2;
                return true;
            // Writes the configured store directly (PostgreSQL while the bot runs; a LiteDB file only while it is stopped).
            case ["tokens", ..]:
                exitCode = Access.TokensCommand.Run(args, ToolConfiguration.Load(args), Console.Out, Console.Error);
                return true;
            case [var word, ..] when IsCommandWord(word):
                Console.Error.WriteLine($"There is no command '{word}'.");
                Console.Error.Write(Help());
                exitCode = 2;
                return true;
            default:
                exitCode = 0;
                return false;
        }
    }

    /// <summary>
    /// A bare word such as <c>bakup</c> or <c>serve</c>, as opposed to configuration for the server: <c>--key value</c>,
    /// <c>/key value</c> and <c>key=value</c> (ASP.NET Core's command-line configuration forms).
    /// </summary>
    private static bool IsCommandWord(string argument) =>
        argument.Length > 0 && !argument.StartsWith('-') && !argument.StartsWith('/') && !argument.Contains('=');

    /// <summary>
    /// Reads the data file directly, so it runs only while the bot is stopped: LiteDB does not keep a second process
    /// out of the file (on Linux nothing stops it), and two processes writing one file corrupt it.
    /// </summary>
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
            Console.Error.WriteLine(RcaUsage);
            return 2;
        }
        var path = ConfiguredPath(args, $"{Storage.StorageOptions.Section}:{nameof(Storage.StorageOptions.Path)}", new Storage.StorageOptions().Path);
        if (DataFileLock.InUse(path))
        {
            Console.Error.WriteLine($"{path} is open in another process, most likely the running bot. Stop it first, or read reviews from GET /api/incidents/<number>/rca.");
            return 1;
        }
        try
        {
            using var storage = new Storage.LiteDb.LiteDbStorage(path, Microsoft.Extensions.Logging.Abstractions.NullLogger<Storage.LiteDb.LiteDbStorage>.Instance);
            // A console command with no synchronisation context, run before any host starts: waiting here is safe.
            return RcaExport.RunAsync(folder, since, storage, storage, Console.Out).GetAwaiter().GetResult();
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Cannot open {path}: {ex.Message} Stop the bot first, or read reviews from GET /api/incidents/<number>/rca.");
            return 1;
        }
    }

    private static bool IsFile(string argument) => !argument.StartsWith('-');

    private static bool IsHttpUrl(string argument, out Uri url) =>
        Uri.TryCreate(argument, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <summary>A path setting as the server would read it, relative to the folder holding appsettings.json.</summary>
    private static string ConfiguredPath(string[] args, string key, string fallback) => ToolConfiguration.Load(args).Path(key, fallback);
}
