using Npgsql;

namespace IncidentBot.Backups;

/// <summary>
/// What to do instead of <c>backup</c>, <c>restore</c> and <c>POST /api/admin/backup</c> when the bot keeps its data
/// in PostgreSQL (<c>Storage:Provider</c> = <c>postgres</c>): those copy a LiteDB file, and PostgreSQL has its own tools.
/// The commands name the server, port, user and database of <c>ConnectionStrings:IncidentBot</c>, never its password.
/// </summary>
internal static class PostgresBackupAdvice
{
    public const string ProviderKey = "Storage:Provider";
    public const string ConnectionStringKey = "ConnectionStrings:IncidentBot";

    /// <summary>True when the configuration chooses the PostgreSQL store.</summary>
    public static bool UsesPostgres(IConfiguration configuration) =>
        string.Equals(configuration[ProviderKey]?.Trim(), "postgres", StringComparison.OrdinalIgnoreCase);

    public static string Backup(IConfiguration configuration)
    {
        var (host, port, user, database) = Target(configuration);
        return $"""
            This bot keeps its data in PostgreSQL ({ProviderKey} is postgres), so `backup` has no file to copy. Back up the database with pg_dump (online: it reads one consistent snapshot while the bot writes):
              pg_dump --format=custom --no-owner --host={host} --port={port} --username={user} --dbname={database} --file=incidentbot-$(date +%F).dump
            Give the password in PGPASSWORD or ~/.pgpass, never on the command line. How to restore it: docs/storage.md, "Backing up PostgreSQL".
            """;
    }

    public static string Restore(IConfiguration configuration)
    {
        var (host, port, user, _) = Target(configuration);
        return $"""
            This bot keeps its data in PostgreSQL ({ProviderKey} is postgres), so `restore` has no file to replace. Restore a pg_dump into a new, empty database, then point {ConnectionStringKey} at it and start the bot:
              createdb --host={host} --port={port} --username=postgres --owner={user} incidentbot_restored
              pg_restore --no-owner --exit-on-error --single-transaction --host={host} --port={port} --username={user} --dbname=incidentbot_restored <file>.dump
            The dump brings back the schema_versions table and the incident numbering with the data. See docs/storage.md, "Backing up PostgreSQL".
            """;
    }

    private static (string Host, string Port, string User, string Database) Target(IConfiguration configuration)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(configuration[ConnectionStringKey] ?? "");
            var user = string.IsNullOrWhiteSpace(builder.Username) ? "<user>" : builder.Username;
            return (string.IsNullOrWhiteSpace(builder.Host) ? "<host>" : builder.Host, builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                user, builder.Database ?? builder.Username ?? "<database>");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return ("<host>", "5432", "<user>", "<database>");
        }
    }
}
