using System.Net;
using System.Net.Sockets;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>A wrong or unreachable connection string becomes one line naming the problem, never the password.</summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresConnectionCheckTests(PostgresServer server)
{
    private const string Secret = "s3cret-Passw0rd";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public async Task AWorkingConnectionStringHasNoProblem()
    {
        var database = await server.CreateDatabaseAsync();

        Assert.Null(await PostgresConnectionCheck.ProblemAsync(database, Timeout));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "ConnectionStrings:IncidentBot is empty" },
        { "   ", "ConnectionStrings:IncidentBot is empty" },
        { $"Host=127.0.0.1;Port=not-a-port;Password={Secret}", "is not a valid PostgreSQL connection string" },
        { $"Host=127.0.0.1;Port=99999999999;Password={Secret}", "is not a valid PostgreSQL connection string" },
        { $"Hostt=127.0.0.1;Password={Secret}", "is not a valid PostgreSQL connection string" },
        { $"Host=127.0.0.1;Pooling=maybe;Password={Secret}", "is not a valid PostgreSQL connection string" },
        { $"Host=127.0.0.1;SSL Mode=sometimes;Password={Secret}", "is not a valid PostgreSQL connection string" },
        { $"Host=127.0.0.1;Password='{Secret}", "is not a valid PostgreSQL connection string" },
        { $"postgres://incidentbot:{Secret}@127.0.0.1/incidentbot", "is not a valid PostgreSQL connection string" },
        { $"Database=incidentbot;Username=incidentbot;Password={Secret}", "names no Host" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AMalformedConnectionStringIsNamedAsSuch(string connectionString, string expected)
    {
        var problem = await PostgresConnectionCheck.ProblemAsync(connectionString, Timeout);

        AssertOneLine(problem, expected);
    }

    [Fact]
    public async Task NoServerListeningOnThePortIsConnectionRefused()
    {
        // A port that was free a moment ago: nothing listens there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var problem = await PostgresConnectionCheck.ProblemAsync($"Host=127.0.0.1;Port={port};Username=incidentbot;Password={Secret};Database=incidentbot", Timeout);

        AssertOneLine(problem, $"Cannot reach PostgreSQL at 127.0.0.1:{port} (ConnectionStrings:IncidentBot): connection refused");
    }

    [Fact]
    public async Task AHostNameThatDoesNotResolveIsNamedAsSuch()
    {
        var problem = await PostgresConnectionCheck.ProblemAsync($"Host=incidentbot-db.invalid;Username=incidentbot;Password={Secret}", Timeout);

        AssertOneLine(problem, "Cannot reach PostgreSQL at incidentbot-db.invalid:5432 (ConnectionStrings:IncidentBot): the host name does not resolve");
    }

    [Fact]
    public async Task AServerThatNeverAnswersTimesOut()
    {
        // Accepts the TCP connection and then says nothing, like a firewall that black-holes the traffic.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var problem = await PostgresConnectionCheck.ProblemAsync($"Host=127.0.0.1;Port={port};Username=incidentbot;Password={Secret}", TimeSpan.FromSeconds(1));

        AssertOneLine(problem, $"Cannot reach PostgreSQL at 127.0.0.1:{port} (ConnectionStrings:IncidentBot): no answer within 1 s");
    }

    [SkippableFact]
    public async Task AWrongPasswordIsNamedAsSuch()
    {
        var database = await server.CreateDatabaseAsync();
        var wrong = new NpgsqlConnectionStringBuilder(database) { Password = Secret };

        var problem = await PostgresConnectionCheck.ProblemAsync(wrong.ConnectionString, Timeout);

        AssertOneLine(problem, $"PostgreSQL at 127.0.0.1:{wrong.Port} refused the password for user \"incidentbot\"");
    }

    [SkippableFact]
    public async Task AnUnknownUserIsRefused()
    {
        var database = await server.CreateDatabaseAsync();
        var stranger = new NpgsqlConnectionStringBuilder(database) { Username = "mallory", Password = Secret };

        var problem = await PostgresConnectionCheck.ProblemAsync(stranger.ConnectionString, Timeout);

        // PostgreSQL does not tell a stranger whether the user exists: it is the same answer as a wrong password.
        AssertOneLine(problem, $"PostgreSQL at 127.0.0.1:{stranger.Port} refused the password for user \"mallory\"");
    }

    [SkippableFact]
    public async Task AMissingDatabaseIsNamed()
    {
        var database = await server.CreateDatabaseAsync();
        var missing = new NpgsqlConnectionStringBuilder(database) { Database = "incidentbot_typo" };

        var problem = await PostgresConnectionCheck.ProblemAsync(missing.ConnectionString, Timeout);

        AssertOneLine(problem, $"PostgreSQL at 127.0.0.1:{missing.Port} has no database \"incidentbot_typo\"");
    }

    private static void AssertOneLine(string? problem, string expected)
    {
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.DoesNotContain('\n', problem);
        Assert.DoesNotContain(Secret, problem);
        Assert.DoesNotContain("   at ", problem);
        Assert.DoesNotContain("Exception", problem);
    }
}
