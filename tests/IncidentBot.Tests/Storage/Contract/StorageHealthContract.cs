using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// The readiness probe's view of the store: null while it can be written, again and again and after a restart. The
/// ways each store fails are its own (a full disk under LiteDB: <see cref="RealDiskFullTests"/>; PostgreSQL read-only,
/// unreachable or silent: below).
/// </summary>
public abstract class StorageHealthContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task AWritableStoreIsHealthyAtEveryProbeAndAfterARestart()
    {
        await using var store = await OpenAsync();

        for (var probe = 0; probe < 5; probe++)
        {
            Assert.Null(await store.Get<IStorageHealth>().ProbeAsync());
        }
        await store.ReopenAsync();
        Assert.Null(await store.Get<IStorageHealth>().ProbeAsync());
    }

    [SkippableFact]
    public async Task ProbesAtOnceAreAllHealthy()
    {
        await using var store = await OpenAsync();
        var health = store.Get<IStorageHealth>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await health.ProbeAsync())));

        Assert.All(answers, Assert.Null);
    }
}

public sealed class StorageHealthOnLiteDb : StorageHealthContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class StorageHealthOnPostgres(PostgresServer server) : StorageHealthContract
{
    /// <summary>The readiness probe's own timeout in manifests/kubernetes/base/deployment.yaml: the answer must come before it.</summary>
    private static readonly TimeSpan KubeletTimeout = TimeSpan.FromSeconds(5);

    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);

    /// <summary>
    /// The database is made read-only (new sessions start read-only), then writable again: the probe says read-only,
    /// and comes back healthy by itself, without the store being reopened, and so do the other stores' writes.
    /// </summary>
    [SkippableFact]
    public async Task AReadOnlyDatabaseIsReportedAsSuchAndRecoversWithoutReopening()
    {
        await using var store = await OpenAsync();
        var health = store.Get<IStorageHealth>();
        var dataSource = store.Get<NpgsqlDataSource>();
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database!;
        var number = await StoredIncidents.AddAsync(store);
        Assert.Null(await health.ProbeAsync());

        await AdminAsync($"ALTER DATABASE {database} SET default_transaction_read_only = on");
        // Only sessions that start now are read-only; the bot's pooled ones are replaced as a restarted server would.
        dataSource.Clear();
        var problems = new List<string?>();
        for (var probe = 0; probe < 3; probe++)
        {
            problems.Add(await health.ProbeAsync());
        }
        var refused = await Record.ExceptionAsync(() => store.Get<IRoomMessageStore>().AppendAsync(new RoomMessage { IncidentNumber = number, Author = "alice", Text = "during" }).AsTask());

        await AdminAsync($"ALTER DATABASE {database} RESET default_transaction_read_only");
        await Eventually.TrueAsync(async () => await health.ProbeAsync() is null, "the probe to find the database writable again", TimeSpan.FromSeconds(10));
        await store.Get<IRoomMessageStore>().AppendAsync(new RoomMessage { IncidentNumber = number, Author = "alice", Text = "after" });

        Assert.All(problems, problem => Assert.Contains("read-only", problem));
        Assert.All(problems, problem => Assert.DoesNotContain(" at Npgsql", problem));
        var unavailable = Assert.IsType<StorageUnavailableException>(refused);
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, Assert.IsType<PostgresException>(unavailable.InnerException).SqlState);
        Assert.Equal(["after"], (await store.Get<IRoomMessageStore>().RoomOfAsync(number)).Select(m => m.Text));
    }

    [SkippableFact]
    public async Task AServerNobodyListensOnIsReportedAtOnceWithoutThePassword()
    {
        var port = FreePort();
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=incidentbot;Password=s3cret-pw;Database=incidentbot");
        IStorageHealth health = new PostgresStorageHealth(dataSource);

        var clock = Stopwatch.StartNew();
        var problem = await health.ProbeAsync();

        Assert.True(clock.Elapsed < KubeletTimeout, $"took {clock.Elapsed}");
        Assert.Equal($"Cannot reach PostgreSQL at 127.0.0.1:{port}: connection refused (is the server running?).", problem);
    }

    /// <summary>A server that accepts the connection and then says nothing (hung, or a black-holed proxy).</summary>
    [SkippableFact]
    public async Task AServerThatNeverAnswersIsReportedWithinTheTimeoutBeforeTheKubeletGivesUp()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new ConcurrentBag<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptTcpClientAsync());
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        });
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=incidentbot;Password=s3cret-pw;Database=incidentbot;Timeout=30");
        IStorageHealth health = new PostgresStorageHealth(dataSource);

        var clock = Stopwatch.StartNew();
        var problem = await health.ProbeAsync();
        var elapsed = clock.Elapsed;
        silent.Stop();
        await accepting;
        foreach (var client in accepted)
        {
            client.Dispose();
        }

        Assert.Equal($"PostgreSQL at 127.0.0.1:{port} did not answer within 3 s.", problem);
        Assert.True(elapsed >= PostgresStorageHealth.DefaultTimeout - TimeSpan.FromMilliseconds(100) && elapsed < KubeletTimeout, $"took {elapsed}");
    }

    [SkippableFact]
    public async Task ADatabaseWithoutTheSchemaSaysSo()
    {
        var database = await server.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database);

        var problem = await ((IStorageHealth)new PostgresStorageHealth(dataSource)).ProbeAsync();

        Assert.Contains("no probe table: the schema migrations have not been applied", problem);
    }

    /// <summary>
    /// What each refusal tells the person reading /readyz. A disk cannot be filled under the test server without
    /// its superuser, so these are the server's errors as Npgsql raises them, not a real full disk.
    /// </summary>
    [Theory]
    [InlineData(PostgresErrorCodes.DiskFull, "could not extend file \"base/16384/16385\": No space left on device", "cannot write: its disk is full (could not extend file")]
    [InlineData(PostgresErrorCodes.ReadOnlySqlTransaction, "cannot execute INSERT in a read-only transaction", "refuses writes: the database is read-only")]
    [InlineData(PostgresErrorCodes.TooManyConnections, "sorry, too many clients already", "is out of resources: sorry, too many clients already (SQLSTATE 53300)")]
    [InlineData(PostgresErrorCodes.OutOfMemory, "out of memory", "is out of resources: out of memory (SQLSTATE 53200)")]
    [InlineData(PostgresErrorCodes.AdminShutdown, "terminating connection due to administrator command", "is shutting down or starting up")]
    [InlineData(PostgresErrorCodes.CannotConnectNow, "the database system is starting up", "is shutting down or starting up")]
    [InlineData(PostgresErrorCodes.UndefinedTable, "relation \"probe\" does not exist", "has no probe table")]
    [InlineData(PostgresErrorCodes.InternalError, "something odd\nhappened", "refused the probe write: something odd happened (SQLSTATE XX000)")]
    public void EachRefusalIsExplainedInOneLine(string sqlState, string serverMessage, string expected)
    {
        var reason = PostgresStorageHealth.Reason(new PostgresException(serverMessage, "ERROR", "ERROR", sqlState), "db.example:5432");

        Assert.StartsWith("PostgreSQL at db.example:5432 ", reason);
        Assert.Contains(expected, reason);
        Assert.DoesNotContain('\n', reason);
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
