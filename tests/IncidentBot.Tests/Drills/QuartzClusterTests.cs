using System.Collections.Concurrent;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace IncidentBot.Tests.Drills;

/// <summary>
/// Two Quartz schedulers configured as the bot configures them on PostgreSQL (<see cref="PostgresScheduling"/>), in one
/// process on one database: a trigger fires once between them, never once per scheduler.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class QuartzClusterTests(PostgresServer server)
{
    [SkippableFact]
    public async Task TwoClusteredSchedulersOnOneDatabaseFireEachTimeOfATriggerOnce()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(30));
        var fired = new FireLog();
        await using var first = Node(database, fired);
        await using var second = Node(database, fired);
        var schedulers = new[]
        {
            await first.GetRequiredService<ISchedulerFactory>().GetScheduler(),
            await second.GetRequiredService<ISchedulerFactory>().GetScheduler(),
        };
        try
        {
            foreach (var scheduler in schedulers)
            {
                await scheduler.Start();
            }

            // Every second, twelve times, from a moment both nodes are polling.
            const int times = 12;
            var job = JobBuilder.Create<CountingJob>().WithIdentity("count", "test").UsingJobData("name", "count").Build();
            var trigger = TriggerBuilder.Create().WithIdentity("count", "test").StartAt(DateTimeOffset.UtcNow.AddSeconds(2))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).WithRepeatCount(times - 1)).Build();
            await schedulers[0].ScheduleJob(job, trigger);

            await Eventually.TrueAsync(() => fired.Count >= times, $"{times} firings", TimeSpan.FromSeconds(40));
            // A second firing of the same time would come from the other node at the same moment: give it the time.
            await Task.Delay(TimeSpan.FromSeconds(2));

            var byTime = fired.ByScheduledTime();
            Assert.Equal(times, byTime.Count);
            Assert.All(byTime, time => Assert.True(time.Value.Count == 1, $"{time.Key:O} fired by {string.Join(", ", time.Value)}"));
            // The job's data came back from the database through the System.Text.Json serializer.
            Assert.All(fired.Names, name => Assert.Equal("count", name));
            // Two nodes of one cluster, each with an instance id of its own (generated, as instanceId AUTO).
            Assert.NotEqual(schedulers[0].SchedulerInstanceId, schedulers[1].SchedulerInstanceId);
        }
        finally
        {
            foreach (var scheduler in schedulers)
            {
                await scheduler.Shutdown(waitForJobsToComplete: true);
            }
        }
    }

    [SkippableFact]
    public async Task TheSchedulersTablesComeFromTheMigrationAndItRunsAgainHarmlessly()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(30));
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // The script again, as on a database where Quartz (or a person) made the tables first.
            var script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "IncidentBot.Storage.Postgres", "Migrations", "0002_quartz.sql"));
            await using (var again = new NpgsqlCommand(script, connection))
            {
                await again.ExecuteNonQueryAsync();
            }
            await using var tables = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'qrtz\\_%'", connection);
            Assert.Equal(15L, (long)(await tables.ExecuteScalarAsync())!);
        }

        // Quartz checks its schema when it starts (SchemaProvisioning.Validate) and would refuse a table or column short.
        await using var node = Node(database, new FireLog());
        var scheduler = await node.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Start();
        Assert.Equal(SchedulerStatus.Running, scheduler.Status);
        Assert.True((await scheduler.GetMetadata()).JobStoreClustered);
        await scheduler.Shutdown();
    }

    private static ServiceProvider Node(string database, FireLog fired)
    {
        var services = new ServiceCollection().AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)).AddSingleton(fired);
        // Its own scheduler name per process is the default; two providers here are two processes to Quartz.
        services.AddQuartz(q => q.UsePostgresCluster(database, TimeSpan.FromMinutes(1)));
        return services.BuildServiceProvider();
    }

    /// <summary>Which node ran which scheduled time.</summary>
    public sealed class FireLog
    {
        private readonly ConcurrentQueue<(DateTimeOffset Scheduled, string Node, string? Name)> _fired = new();

        public int Count => _fired.Count;

        public IEnumerable<string?> Names => _fired.Select(f => f.Name);

        public void Add(DateTimeOffset scheduled, string node, string? name) => _fired.Enqueue((scheduled, node, name));

        public Dictionary<DateTimeOffset, List<string>> ByScheduledTime() =>
            _fired.GroupBy(f => f.Scheduled).ToDictionary(g => g.Key, g => g.Select(f => f.Node).ToList());
    }

    [DisallowConcurrentExecution]
    public sealed class CountingJob(FireLog fired) : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            fired.Add(context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.Scheduler.SchedulerInstanceId, context.MergedJobDataMap.GetString("name"));
            return ValueTask.CompletedTask;
        }
    }
}
