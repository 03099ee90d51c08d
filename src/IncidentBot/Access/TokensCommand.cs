using System.Globalization;
using IncidentBot.Backups;
using IncidentBot.Hosting;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;

namespace IncidentBot.Access;

/// <summary>
/// <c>tokens create --name &lt;name&gt; --role viewer|responder|lead</c>, <c>tokens list</c> and
/// <c>tokens revoke --name &lt;name&gt;</c>: API tokens for automation, written straight into the configured store.
/// On PostgreSQL this works while the bot runs (the bot reads tokens from the database on every request, so a
/// revocation counts at once); a LiteDB data file is open in the running bot, so stop it first.
/// The new token is printed once, alone on standard output; only its hash is stored.
/// </summary>
internal static class TokensCommand
{
    public const string Usage = "Usage: tokens create --name <name> --role viewer|responder|lead | tokens list | tokens revoke --name <name>   (API tokens; on LiteDB stop the bot first)";

    public static int Run(string[] args, ToolConfiguration configuration, TextWriter output, TextWriter errors)
    {
        switch (args)
        {
            case ["tokens", .., "--help" or "-h"]:
                output.WriteLine(Usage);
                return 0;
            case ["tokens", "create", .. var rest] when Options(rest) is { } options && options.Keys.Order().SequenceEqual(["--name", "--role"]):
                return WithStore(configuration, errors, store => Create(store, options["--name"], options["--role"], output, errors));
            case ["tokens", "list"]:
                return WithStore(configuration, errors, store => List(store, output));
            case ["tokens", "revoke", .. var rest] when Options(rest) is { } options && options.Keys.SequenceEqual(["--name"]):
                return WithStore(configuration, errors, store => Revoke(store, options["--name"], output, errors));
            default:
                errors.WriteLine(Usage);
                return 2;
        }
    }

    private static int Create(ApiTokenAdministration tokens, string name, string roleText, TextWriter output, TextWriter errors)
    {
        var created = tokens.CreateAsync(name, roleText, CreatedBy()).GetAwaiter().GetResult();
        if (created.Problem is { } problem)
        {
            errors.WriteLine(problem.Message);
            return problem.Kind == ApiTokenProblemKind.Duplicate ? 1 : 2;
        }
        var token = created.Token!;
        errors.WriteLine($"Created API token '{name}' ({ApiTokens.RoleName(token.Role)}). It is shown only this once: keep it in your automation's secret store.");
        errors.WriteLine("Send it as 'Authorization: Bearer <token>'; what it does shows as " + token.Actor + " on the timeline.");
        output.WriteLine(created.Secret);
        return 0;
    }

    private static int List(ApiTokenAdministration administration, TextWriter output)
    {
        var tokens = administration.ListAsync().GetAwaiter().GetResult();
        if (tokens.Count == 0)
        {
            output.WriteLine("No API tokens. Create one with: tokens create --name <name> --role viewer|responder|lead");
            return 0;
        }
        output.WriteLine($"{"NAME",-24} {"ROLE",-10} {"CREATED",-20} {"BY",-20} {"LAST USED",-20} STATUS");
        foreach (var token in tokens)
        {
            output.WriteLine($"{token.Name,-24} {ApiTokens.RoleName(token.Role),-10} {Time(token.CreatedAt),-20} {token.CreatedBy,-20} {Time(token.LastUsedAt) ?? "never",-20} {(token.RevokedAt is { } revoked ? "revoked " + Time(revoked) : "active")}");
        }
        return 0;
    }

    private static int Revoke(ApiTokenAdministration tokens, string name, TextWriter output, TextWriter errors)
    {
        var revoked = tokens.RevokeAsync(name).GetAwaiter().GetResult();
        if (revoked.Problem is { } problem)
        {
            errors.WriteLine(problem.Message);
            return 1;
        }
        output.WriteLine(revoked.Earlier is { } earlier
            ? $"API token '{name}' was already revoked at {Time(earlier)}."
            : $"Revoked API token '{name}': it is refused from now on.");
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the store the server would use, opened for this command only; exit code 1 and
    /// the reason on <paramref name="errors"/> when it cannot be opened.
    /// </summary>
    private static int WithStore(ToolConfiguration configuration, TextWriter errors, Func<ApiTokenAdministration, int> work)
    {
        var storage = configuration.Values.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var services = new ServiceCollection().AddLogging();
        if (storage.UsesPostgres)
        {
            var connectionString = configuration.Values.GetConnectionString(StorageOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                errors.WriteLine($"Storage:Provider is postgres but {StorageOptions.ConnectionStringKey} is not set.");
                return 1;
            }
            try
            {
                // As the server does at start: the api_tokens table may be newer than the running bot.
                PostgresMigrations.Apply(connectionString, TimeSpan.FromSeconds(60));
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or PostgresMigrationException or ArgumentException)
            {
                errors.WriteLine($"Cannot use the PostgreSQL database: {ex.Message}");
                return 1;
            }
            services.AddPostgresStorage(_ => connectionString);
        }
        else
        {
            var file = configuration.DataFile;
            if (DataFileLock.InUse(file))
            {
                errors.WriteLine($"{file} is open in another process, most likely the running bot. Stop it first (on LiteDB the bot keeps its data file to itself).");
                return 1;
            }
            services.AddLiteDbStorage(_ => file);
        }
        using var provider = services.BuildServiceProvider();
        try
        {
            return work(new ApiTokenAdministration(provider.GetRequiredService<IApiTokenStore>(), TimeProvider.System));
        }
        catch (Exception ex) when (ex is StorageUnavailableException or IOException or InvalidOperationException)
        {
            errors.WriteLine($"Cannot use the store: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// <c>--name ci --role lead</c> as a dictionary; null when an option repeats, has no value or is not one of ours.
    /// </summary>
    private static Dictionary<string, string>? Options(string[] rest)
    {
        if (rest.Length % 2 != 0)
        {
            return null;
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < rest.Length; i += 2)
        {
            if (rest[i] is not ("--name" or "--role") || !options.TryAdd(rest[i], rest[i + 1]))
            {
                return null;
            }
        }
        return options;
    }

    private static string CreatedBy() => "cli:" + (string.IsNullOrWhiteSpace(Environment.UserName) ? "unknown" : Environment.UserName);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? at) => at is { } value ? Time(value) : null;
}
