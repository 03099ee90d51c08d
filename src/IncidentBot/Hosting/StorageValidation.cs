using System.ComponentModel;
using System.Data.Common;
using System.Reflection;
using IncidentBot.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IncidentBot.Hosting;

/// <summary>
/// The store's settings taken together: a provider this build has, no connection string given to LiteDB (it
/// would be ignored), a PostgreSQL connection string that names a server and whose every keyword PostgreSQL knows. Problems name their
/// key and never show a connection string's values (it holds the password). Whether the server really lets the
/// bot in is checked next, at start-up (<see cref="StorageStartup"/>).
/// </summary>
internal sealed class StorageValidation(IConfiguration configuration) : IValidateOptions<StorageOptions>
{
    private const string ProviderKey = $"{StorageOptions.Section}:{nameof(StorageOptions.Provider)}";
    private const string PathKey = $"{StorageOptions.Section}:{nameof(StorageOptions.Path)}";

    /// <summary>Every keyword a PostgreSQL connection string may hold, as Npgsql's documentation spells them.</summary>
    private static readonly IReadOnlyList<string> Keywords = typeof(NpgsqlConnectionStringBuilder).GetProperties()
        .Select(p => p.GetCustomAttribute<DisplayNameAttribute>()?.DisplayName).OfType<string>().ToList();

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    private IEnumerable<string> Problems(StorageOptions options)
    {
        var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        // An empty provider (a template's blank variable) is the default, as if it were not set.
        var provider = string.IsNullOrWhiteSpace(options.Provider) ? StorageOptions.LiteDb : options.Provider.Trim();
        if (options.UsesPostgres)
        {
            // Storage:Path is not refused here: its folder also holds the web console's session keys (keys/), whatever the
            // store, and the container image sets it.
            foreach (var problem in ConnectionStringProblems(connectionString))
            {
                yield return problem;
            }
        }
        else if (string.Equals(provider, StorageOptions.LiteDb, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.Path))
            {
                yield return $"{PathKey} must name the data file, e.g. data/incidentbot.db.";
            }
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                yield return $"{StorageOptions.ConnectionStringKey}: is set, but {ProviderKey} is litedb, so it would be ignored; set {ProviderKey} to postgres to keep the data in that database, or remove the connection string";
            }
        }
        else
        {
            var guess = Suggestion.Closest(provider, StorageOptions.Providers, maxEdits: 3);
            yield return $"{ProviderKey}: '{provider}' is not a store; use litedb (the default: one data file, no setup) or postgres (with {StorageOptions.ConnectionStringKey}){(guess is null ? "" : $"; did you mean {guess}?")}";
        }
    }

    /// <summary>Every problem of a PostgreSQL connection string, by keyword; never a value.</summary>
    public static IEnumerable<string> ConnectionStringProblems(string? connectionString)
    {
        var key = StorageOptions.ConnectionStringKey;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            yield return $"{key}: missing; {ProviderKey} postgres needs the PostgreSQL connection string (Host=...;Database=...;Username=...;Password=...), e.g. in the environment variable ConnectionStrings__IncidentBot or a secret file of that name";
            yield break;
        }
        if (Parse(connectionString) is not { } parsed)
        {
            yield return $"{key}: not a connection string: it must be Keyword=value pairs separated by ';' (a value holding ';' or '=' goes in quotes)";
            yield break;
        }
        var postgres = new NpgsqlConnectionStringBuilder();
        foreach (string keyword in parsed.Keys)
        {
            string? problem = null;
            try
            {
                postgres[keyword] = parsed[keyword];
            }
            catch (ArgumentException) when (!postgres.ContainsKey(keyword))
            {
                // A keyword is shown only when it looks like one: text before an '=' may be a pasted secret (user:password@host).
                var guess = Suggestion.Closest(keyword, Keywords, maxEdits: 2);
                problem = LooksLikeAKeyword(keyword)
                    ? $"{key}: '{keyword}' is not a PostgreSQL connection setting{(guess is null ? "" : $"; did you mean {guess}?")}"
                    : $"{key}: holds a keyword that is not a PostgreSQL connection setting (Host, Port, Database, Username, Password, ...)";
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                problem = $"{key}: the value of '{keyword}' is not valid for that setting";
            }
            if (problem is not null)
            {
                yield return problem;
            }
        }
        if (string.IsNullOrWhiteSpace(postgres.Host))
        {
            yield return $"{key}: names no Host; add Host=<server name or address>";
        }
    }

    private static bool LooksLikeAKeyword(string keyword) => keyword.Length <= 40 && keyword.All(c => char.IsAsciiLetter(c) || c == ' ');

    private static DbConnectionStringBuilder? Parse(string connectionString)
    {
        try
        {
            return new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
