using System.Diagnostics;
using IncidentBot.Alerts;
using IncidentBot.Bench.Bot;
using IncidentBot.Bench.Load;
using IncidentBot.Storage.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Bench.Baselines;

/// <summary>
/// PostgreSQL's limit for the storm: its alerts, normalised by the bot's own normalisers beforehand, written straight
/// into the bot's own <c>inbox</c> table (a scratch database migrated to the bot's schema, on the same server the bot
/// uses) by one writer, one transaction per batch, each a binary <c>COPY</c> of the normalised alert and its raw
/// payload as <c>jsonb</c> (<see cref="PostgresJson"/>, as the stores write them). Only the writes are timed.
/// </summary>
public static class PostgresBaseline
{
    /// <summary>
    /// In the batches the bot's group commits hold at most: every webhook waiting when the intake writer starts a
    /// commit (<c>AlertInbox</c>, at most 5,000 alerts), which with one request in flight per connection is the
    /// alerts of <paramref name="webhooksPerBatch"/> webhooks (about 180 in this storm).
    /// </summary>
    public static async Task<StoreBaselineResult> RunInWebhookBatchesAsync(IReadOnlyList<StormRequest> requests, int webhooksPerBatch, string scratchDatabase, int? serverProcessId = null)
    {
        var batches = requests.Chunk(webhooksPerBatch).Select(LiteDbBaseline.Normalise).Select(b => b.ToArray()).ToList();
        return await WriteAsync(batches, $"{webhooksPerBatch} webhooks per batch", scratchDatabase, serverProcessId);
    }

    /// <summary>Context, not a target: the same rows in batches of <paramref name="batchSize"/>, as the LiteDB baseline.</summary>
    public static async Task<StoreBaselineResult> RunAsync(IReadOnlyList<StormRequest> requests, int batchSize, string scratchDatabase)
    {
        var batches = LiteDbBaseline.Normalise(requests).Chunk(batchSize).ToList();
        return await WriteAsync(batches, $"{batchSize:N0} per batch", scratchDatabase);
    }

    private static async Task<StoreBaselineResult> WriteAsync(IReadOnlyList<Alert[]> batches, string batching, string scratchDatabase, int? serverProcessId = null)
    {
        PostgresMigrations.Apply(scratchDatabase, TimeSpan.FromSeconds(30));
        await using var dataSource = NpgsqlDataSource.Create(scratchDatabase);
        // Warmed up like the other baselines (JIT, Npgsql's type handlers, the server's caches), then emptied.
        foreach (var batch in batches.Take(10))
        {
            await CopyAsync(dataSource, batch);
        }
        await using (var empty = dataSource.CreateCommand("TRUNCATE inbox"))
        {
            await empty.ExecuteNonQueryAsync();
        }

        // The server's CPU over the timed writes (when the bench started the server and can see its processes).
        TimeSpan? ServerCpu() => serverProcessId is { } pid ? ProcessCpu.OfTree(pid) : null;
        var serverCpuBefore = ServerCpu();
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await CopyAsync(dataSource, batch);
        }
        var elapsed = clock.Elapsed;
        var serverCpu = ServerCpu() - serverCpuBefore;

        await using var count = dataSource.CreateCommand("SELECT count(*) FROM inbox");
        var stored = Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        var sent = batches.Sum(b => b.Length);
        return stored == sent
            ? new StoreBaselineResult("PostgreSQL", sent, batching, elapsed, serverCpu)
            : throw new InvalidOperationException($"The PostgreSQL baseline stored {stored} of {sent} alerts.");
    }

    /// <summary>One committed transaction per batch: the durability a 202 stands for.</summary>
    private static async Task CopyAsync(NpgsqlDataSource dataSource, Alert[] batch)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var writer = await connection.BeginBinaryImportAsync("COPY inbox (received_at, alert, raw) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var alert in batch)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(receivedAt, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(PostgresJson.Write(WithoutRaw(alert)), NpgsqlDbType.Jsonb);
                await writer.WriteAsync(alert.Raw.Length > 0 ? alert.Raw : "null", NpgsqlDbType.Jsonb);
            }
            await writer.CompleteAsync();
        }
        await transaction.CommitAsync();
    }

    /// <summary>The inbox keeps the raw payload in a column of its own, so the alert's jsonb leaves it out.</summary>
    private static Alert WithoutRaw(Alert alert) => new()
    {
        Source = alert.Source,
        Fingerprint = alert.Fingerprint,
        GroupKey = alert.GroupKey,
        Status = alert.Status,
        Severity = alert.Severity,
        Title = alert.Title,
        Description = alert.Description,
        Labels = alert.Labels,
        Annotations = alert.Annotations,
        Links = alert.Links,
        StartsAt = alert.StartsAt,
        EndsAt = alert.EndsAt,
    };
}
