namespace IncidentBot.Storage;

/// <summary>
/// Where data lives. Section <c>Storage</c>:
/// <code>"Storage": { "Provider": "litedb", "Path": "data/incidentbot.db" }</code>
/// <see cref="Provider"/> <c>litedb</c> (the default) keeps everything in one file, <see cref="Path"/> (relative to
/// the folder that holds appsettings.json); <c>postgres</c> keeps it in the PostgreSQL database named by the
/// connection string <c>ConnectionStrings:IncidentBot</c>. See docs/storage.md, "Choosing a store".
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The embedded store: one LiteDB data file.</summary>
    public const string LiteDb = "litedb";

    /// <summary>A PostgreSQL database.</summary>
    public const string Postgres = "postgres";

    /// <summary>The connection string's name under <c>ConnectionStrings</c>, used by the <c>postgres</c> provider.</summary>
    public const string ConnectionStringName = "IncidentBot";

    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;

    /// <summary>Every provider, by the word configuration uses for it.</summary>
    public static IReadOnlyList<string> Providers { get; } = [LiteDb, Postgres];

    public string Provider { get; set; } = LiteDb;

    public string Path { get; set; } = "data/incidentbot.db";

    /// <summary>True when <see cref="Provider"/> names PostgreSQL (any case).</summary>
    public bool UsesPostgres => string.Equals(Provider?.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);
}
