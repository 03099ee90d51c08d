using System.Net.Sockets;
using IncidentBot.Alerts;
using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// Which PostgreSQL failures mean "the store is unavailable right now" (Core then answers 503 with Retry-After,
/// fails readiness and sets no alert aside), and that every store interface reports them as
/// <see cref="StorageUnavailableException"/> while every other failure passes through untouched.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresFailuresTests(PostgresServer server)
{
    public static TheoryData<string> UnavailableStates =>
    [
        "08000", "08003", "08006", "08001", "08004", "08P01", // connection exceptions
        "53000", "53100", "53200", "53300",                   // insufficient resources: disk full, out of memory, too many connections
        "57P01", "57P02", "57P03",                            // admin shutdown, crash shutdown, cannot connect now
        "25006",                                              // read-only transaction (hot standby, default_transaction_read_only)
    ];

    public static TheoryData<string> OtherStates =>
    [
        "23505", "23503", "23514", "23502", // integrity violations: a bug or a conflict, not an outage
        "42P01", "42601", "42703", "42501", // undefined table, syntax error, undefined column, insufficient privilege
        "22P02", "22001", "22003",          // bad data
        "P0001", "XX000",                   // raised by a function, internal error
    ];

    [Theory]
    [MemberData(nameof(UnavailableStates))]
    public void ServerStatesThatMeanUnavailableAreTranslated(string sqlState)
    {
        var failure = new PostgresException("the server says no", "FATAL", "FATAL", sqlState);

        var unavailable = PostgresFailures.AsUnavailable(failure);

        Assert.NotNull(unavailable);
        Assert.Same(failure, unavailable.InnerException);
        Assert.Equal($"PostgreSQL cannot take work now: the server says no (SQLSTATE {sqlState}).", unavailable.Message);
    }

    [Theory]
    [MemberData(nameof(OtherStates))]
    public void OtherServerStatesStayAsTheyAre(string sqlState)
    {
        Assert.Null(PostgresFailures.AsUnavailable(new PostgresException("no", "ERROR", "ERROR", sqlState)));
    }

    public static TheoryData<Exception, string?> ClientFailures => new()
    {
        { new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)), "PostgreSQL cannot be reached: connection refused." },
        { new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")), "PostgreSQL cannot be reached: no answer in time." },
        { new NpgsqlException("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream.")), "PostgreSQL cannot be reached: Attempted to read past the end of the stream.." },
        { new NpgsqlException("The connection pool has been exhausted", new TimeoutException()), "PostgreSQL cannot be reached: no answer in time." },
        { new NpgsqlException("Received unexpected backend message"), null },
        { new InvalidOperationException("Connection is not open"), null },
        { new ArgumentException("bad parameter"), null },
        { new IncidentConflictException(7), null },
        { new IOException("No space left on device"), null }, // LiteDB's failure: not this provider's to classify
    };

    [Theory]
    [MemberData(nameof(ClientFailures))]
    public void ClientSideFailuresAreUnavailableOnlyWhenTheServerCouldNotBeTalkedTo(Exception failure, string? expected)
    {
        Assert.Equal(expected, PostgresFailures.AsUnavailable(failure)?.Message);
    }

    [Fact]
    public async Task EveryKindOfStoreCallIsTranslatedAndEverythingElsePassesThrough()
    {
        var store = Substitute.For<IAlertInboxStore>();
        var readOnly = new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006");
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        var duplicate = new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505");
        store.AppendAsync(default!, default).ReturnsForAnyArgs(ValueTask.FromException(readOnly));
        store.ClaimAsync(default!, default, default, default, default).ReturnsForAnyArgs(ValueTask.FromException<IReadOnlyList<InboxEntry>>(refused));
        store.PendingCountAsync(default).ThrowsForAnyArgs(refused); // thrown before any task is returned
        store.HasPendingAsync(default).ReturnsForAnyArgs(ValueTask.FromException<bool>(duplicate));
        store.RecordFailureAsync(default, default!, default, default).ReturnsForAnyArgs(ValueTask.CompletedTask);
        var translated = UnavailableTranslation<IAlertInboxStore>.Around(store);

        var append = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await translated.AppendAsync([]));
        var claim = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await translated.ClaimAsync("me", 1, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)));
        var count = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await translated.PendingCountAsync());
        var conflict = await Assert.ThrowsAsync<PostgresException>(async () => await translated.HasPendingAsync());
        await translated.RecordFailureAsync(42, "boom", deadLetter: true);

        Assert.Same(readOnly, append.InnerException);
        Assert.Same(refused, claim.InnerException);
        Assert.Same(refused, count.InnerException);
        Assert.Same(duplicate, conflict);
        await store.Received(1).RecordFailureAsync(42, "boom", true, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ResultsAndArgumentsPassThroughUnchanged()
    {
        var store = Substitute.For<IAlertInboxStore>();
        IReadOnlyList<InboxEntry> entries = [new InboxEntry { Id = 5, Alert = new Alert { Source = "generic", Fingerprint = "a", GroupKey = "a", Status = AlertStatus.Firing, Title = "a" } }];
        store.ClaimAsync("owner", 3, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(9), Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult(entries));
        store.PendingCountAsync(Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult(7));
        var translated = UnavailableTranslation<IAlertInboxStore>.Around(store);

        Assert.Same(entries, await translated.ClaimAsync("owner", 3, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(9)));
        Assert.Equal(7, await translated.PendingCountAsync());
    }

    [SkippableFact]
    public async Task AReadOnlyDatabaseIsUnavailable()
    {
        var database = await server.CreateDatabaseAsync();
        await Sql.ExecuteAsync(database, "CREATE TABLE probe (id int)");
        var readOnly = new NpgsqlConnectionStringBuilder(database) { Options = "-c default_transaction_read_only=on" }.ConnectionString;

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await Probe(readOnly).ProbeAsync());

        Assert.Equal("PostgreSQL cannot take work now: cannot execute INSERT in a read-only transaction (SQLSTATE 25006).", failure.Message);
    }

    [SkippableFact]
    public async Task AStoppedServerIsUnavailableAndThePasswordIsNeverInTheReason()
    {
        var database = await server.CreateDatabaseAsync();
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var stopped = new NpgsqlConnectionStringBuilder(database) { Port = port, Timeout = 3 };

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await Probe(stopped.ConnectionString).ProbeAsync());

        Assert.Equal("PostgreSQL cannot be reached: connection refused.", failure.Message);
        Assert.DoesNotContain(stopped.Password!, failure.ToString());
    }

    [SkippableFact]
    public async Task AConnectionTheServerEndsIsUnavailable()
    {
        var database = await server.CreateDatabaseAsync();
        await Sql.ExecuteAsync(database, "CREATE TABLE probe (id int)");
        await using var dataSource = PostgresStorageExtensions.DataSource(database, null);
        var probe = UnavailableTranslation<IStorageHealth>.Around(new TableProbe(dataSource));
        Assert.Null(await probe.ProbeAsync());

        // What a server restart or failover does to every open connection (SQLSTATE 57P01 on the victim).
        await Sql.ScalarAsync<bool>(server.AdminConnectionString,
            "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND application_name = @application",
            ("database", new NpgsqlConnectionStringBuilder(database).Database!), ("application", PostgresStorageExtensions.ApplicationName));

        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await probe.ProbeAsync());
    }

    [SkippableFact]
    public async Task AfterAFailoverOneFailedCallIsEnoughTheNextOneWorks()
    {
        var database = await server.CreateDatabaseAsync();
        await Sql.ExecuteAsync(database, "CREATE TABLE probe (id int)");
        await using var dataSource = PostgresStorageExtensions.DataSource(database, null);
        var probe = UnavailableTranslation<IStorageHealth>.Around(new TableProbe(dataSource));
        // Five connections at once leave five idle ones in the pool.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ => Assert.Null(await probe.ProbeAsync())));

        await Sql.ScalarAsync<bool>(server.AdminConnectionString,
            "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND application_name = @application",
            ("database", new NpgsqlConnectionStringBuilder(database).Database!), ("application", PostgresStorageExtensions.ApplicationName));
        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await probe.ProbeAsync());

        // Npgsql drops idle connections the server has closed when it hands one out: no dead one is used twice.
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await probe.ProbeAsync());
        }
    }

    private static IStorageHealth Probe(string connectionString) =>
        UnavailableTranslation<IStorageHealth>.Around(new TableProbe(PostgresStorageExtensions.DataSource(connectionString, null)));

    /// <summary>A store that writes a row, as the real health probe does, but lets every failure out.</summary>
    private sealed class TableProbe(NpgsqlDataSource dataSource) : IStorageHealth
    {
        public async ValueTask<string?> ProbeAsync(CancellationToken cancellationToken = default)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var insert = new NpgsqlCommand("INSERT INTO probe VALUES (1)", connection);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
    }
}
