using System.Collections.Concurrent;
using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// The change feed across replicas on one PostgreSQL database (two feeds on their own pools, as two bot processes
/// have): what one publishes the other hears, each subscriber hears each change once, a dropped listening connection
/// comes back by itself and says "resync", and a notification that is not the feed's own shape is ignored and logged.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresChangeFeedTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<Replica> _replicas = [];
    private string _database = "";

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task WhatOneReplicaPublishesReachesTheOtherAndEverySubscriberHearsEachChangeOnce()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var fromA = Enumerable.Range(1, 3_000).Select(n => n % 3 == 0 ? Change.RoomMessageAdded(n, n * 10L) : Change.IncidentChanged(n)).ToList();

        foreach (var change in fromA)
        {
            a.Feed.Publish(change);
        }
        b.Feed.Publish(Change.IncidentChanged(90_001));

        await Eventually.TrueAsync(() => b.Heard.Count >= fromA.Count + 1 && a.Heard.Contains(Change.IncidentChanged(90_001)), "each replica to hear the other's changes", TimeSpan.FromSeconds(10));
        // A marker B sends once it heard everything A sent: by the time A hears it, A's listener has had its own notifications too.
        b.Feed.Publish(Change.IncidentChanged(90_002));
        await Eventually.TrueAsync(() => a.Heard.Contains(Change.IncidentChanged(90_002)), "A to hear B's marker");

        // In the order A sent them, across the payloads a storm is split into; B's own changes once each.
        Assert.Equal(fromA, b.Heard.Where(c => c.IncidentNumber < 90_000));
        Assert.Equal([Change.IncidentChanged(90_001), Change.IncidentChanged(90_002)], b.Heard.Where(c => c.IncidentNumber > 90_000));
        Assert.Equal([.. fromA, Change.IncidentChanged(90_001), Change.IncidentChanged(90_002)], a.Heard.OrderBy(ByNumber));
        Assert.DoesNotContain(Change.Resync, a.Heard.Concat(b.Heard));
    }

    [SkippableFact]
    public async Task AChangeReachesTheOtherReplicaWithinASecond()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var slowest = TimeSpan.Zero;

        for (var n = 1; n <= 20; n++)
        {
            var change = Change.IncidentChanged(n);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            a.Feed.Publish(change);
            await Eventually.TrueAsync(() => b.Heard.Contains(change), $"B to hear incident {n}");
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        Assert.True(slowest < TimeSpan.FromSeconds(1), $"the slowest change took {slowest.TotalMilliseconds} ms");
    }

    [SkippableFact]
    public async Task WhenTheServerEndsTheListeningConnectionTheFeedListensAgainSaysResyncAndLogsWhy()
    {
        var a = await StartAsync();
        var b = await StartAsync();

        var ended = await Sql.ScalarAsync<long>(server.AdminConnectionString,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND application_name = @name",
            ("database", new NpgsqlConnectionStringBuilder(_database).Database!), ("name", PostgresChangeFeed.ListenerApplicationName));

        Assert.Equal(2, ended);
        await Eventually.TrueAsync(() => a.Heard.Contains(Change.Resync) && b.Heard.Contains(Change.Resync), "both replicas to listen again and say resync", TimeSpan.FromSeconds(10));
        Assert.True(a.Feed.IsListening && b.Feed.IsListening);
        Assert.Contains(b.Logs.Warnings, w => w.Contains("listening connection is down", StringComparison.Ordinal) && w.Contains("terminating connection due to administrator command", StringComparison.Ordinal));
        // And changes flow again, both ways.
        a.Feed.Publish(Change.IncidentChanged(7));
        b.Feed.Publish(Change.RoomMessageAdded(8, 80));
        await Eventually.TrueAsync(() => b.Heard.Contains(Change.IncidentChanged(7)) && a.Heard.Contains(Change.RoomMessageAdded(8, 80)), "changes to flow again after the reconnect");
    }

    [SkippableFact]
    public async Task TheListeningSessionNeverReachesTheStoresPool()
    {
        var a = await StartAsync();
        // The pool hands connections back as they are (No Reset On Close): a LISTEN left on one would stay there.
        await Sql.ScalarAsync<long>(server.AdminConnectionString,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND application_name = @name",
            ("database", new NpgsqlConnectionStringBuilder(_database).Database!), ("name", PostgresChangeFeed.ListenerApplicationName));
        await Eventually.TrueAsync(() => a.Heard.Contains(Change.Resync) && a.Feed.IsListening, "the feed to listen again");
        await a.Feed.StopAsync(CancellationToken.None);

        // Every connection the pool holds (five at once, so idle ones are taken too) listens to nothing and is the store's.
        var connections = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ => await a.DataSource.OpenConnectionAsync()));
        foreach (var connection in connections)
        {
            await using var listening = new NpgsqlCommand("SELECT count(*) FROM pg_listening_channels()", connection);
            Assert.Equal(0L, await listening.ExecuteScalarAsync());
            await using var name = new NpgsqlCommand("SELECT current_setting('application_name')", connection);
            Assert.Equal(PostgresStorageExtensions.ApplicationName, await name.ExecuteScalarAsync());
            await connection.DisposeAsync();
        }
        Assert.Equal(0, await Sql.ScalarAsync<long>(server.AdminConnectionString,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @database AND application_name = @name",
            ("database", new NpgsqlConnectionStringBuilder(_database).Database!), ("name", PostgresChangeFeed.ListenerApplicationName)));
    }

    [SkippableFact]
    public async Task NotificationsThatAreNotTheFeedsShapeAreIgnoredAndLogged()
    {
        var b = await StartAsync();
        var corpus = PostgresChangePayloadTests.MalformedPayloads
            .Where(p => !p.Contains('\0') && System.Text.Encoding.UTF8.GetByteCount(p) < 8000).ToList();
        const string Other = "fedcba9876543210fedcba9876543210";

        foreach (var payload in corpus)
        {
            await Sql.ExecuteAsync(_database, "SELECT pg_notify(@channel, @payload)", ("channel", PostgresChangeFeed.Channel), ("payload", (object)payload));
        }
        await Sql.ExecuteAsync(_database, "SELECT pg_notify(@channel, @payload)", ("channel", PostgresChangeFeed.Channel), ("payload", $"1 {Other} i42 r42.4200"));

        // Notifications arrive in the order they were sent: once the valid one is heard, every malformed one was handled.
        await Eventually.TrueAsync(() => b.Heard.Contains(Change.RoomMessageAdded(42, 4200)), "the valid notification after the malformed ones");
        Assert.Equal([Change.IncidentChanged(42), Change.RoomMessageAdded(42, 4200)], b.Heard);
        Assert.Equal(corpus.Count, b.Logs.Warnings.Count(w => w.StartsWith("Ignored a notification on the change feed", StringComparison.Ordinal)));
        Assert.True(b.Feed.IsListening);
        Assert.DoesNotContain(b.Logs.Warnings, w => w.Contains("hunter2", StringComparison.Ordinal) || w.Contains("<script>", StringComparison.Ordinal));
    }

    private static int ByNumber(Change change) => change.IncidentNumber;

    private async Task<Replica> StartAsync()
    {
        if (_database == "")
        {
            // Skips where there is no server, fails on CI.
            _database = await server.CreateDatabaseAsync();
        }
        var logs = new WarningLog();
        var dataSource = PostgresStorageExtensions.DataSource(_database, null);
        var feed = new PostgresChangeFeed(dataSource, logs.CreateLogger<PostgresChangeFeed>());
        var replica = new Replica(dataSource, feed, logs);
        replica.Subscription = feed.Subscribe(replica.Heard.Enqueue);
        _replicas.Add(replica);
        await feed.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => feed.IsListening, "the feed to listen");
        return replica;
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.Feed.StopAsync(CancellationToken.None);
            replica.Subscription?.Dispose();
            replica.Feed.Dispose();
            await replica.DataSource.DisposeAsync();
        }
    }

    private sealed class Replica(NpgsqlDataSource dataSource, PostgresChangeFeed feed, WarningLog logs)
    {
        public NpgsqlDataSource DataSource { get; } = dataSource;

        public PostgresChangeFeed Feed { get; } = feed;

        public WarningLog Logs { get; } = logs;

        public ConcurrentQueue<Change> Heard { get; } = new();

        public IDisposable? Subscription { get; set; }
    }
}

/// <summary>Keeps the warnings (and worse) a component logs, formatted, with the exception's message appended.</summary>
internal sealed class WarningLog : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _warnings = new();

    public IReadOnlyList<string> Warnings => [.. _warnings];

    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public ILogger CreateLogger(string categoryName) => new Collector(_warnings);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Collector(ConcurrentQueue<string> warnings) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                warnings.Enqueue(formatter(state, exception) + (exception is null ? "" : " | " + exception.Message));
            }
        }
    }
}
