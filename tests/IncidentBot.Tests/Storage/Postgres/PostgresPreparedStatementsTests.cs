using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// The bot's statements are prepared on each pooled connection and stay prepared when the connection goes back to the
/// pool, unless the connection string sets <c>Max Auto Prepare</c> itself (0 behind a pooler in transaction mode).
/// Without it every statement was planned on every call, and every return to the pool cost a <c>DISCARD ALL</c>.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresPreparedStatementsTests(PostgresServer server)
{
    public static TheoryData<string, int> GivenSettings => new()
    {
        { "Host=db;Database=incidentbot", PostgresStorageExtensions.AutoPreparedStatements },
        { "Host=db;Database=incidentbot;Application Name=ops", PostgresStorageExtensions.AutoPreparedStatements },
        { "Host=db;Database=incidentbot;Max Auto Prepare=0", 0 },
        { "Host=db;Database=incidentbot;MaxAutoPrepare=0", 0 },
        { "Host=db;Database=incidentbot;max auto prepare = 7", 7 },
        { "Host=db;MAXAUTOPREPARE=3;Database=incidentbot", 3 },
        { "Host=db;Database=incidentbot;Max Auto Prepare=250", 250 },
    };

    [Theory]
    [MemberData(nameof(GivenSettings))]
    public async Task TheStorePreparesUnlessTheConnectionStringSaysHowMany(string connectionString, int prepared)
    {
        await using var dataSource = PostgresStorageExtensions.DataSource(connectionString, null);

        Assert.Equal(prepared, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxAutoPrepare);
    }

    [Theory]
    [InlineData("Host=db;Database=incidentbot", true)]
    [InlineData("Host=db;Database=incidentbot;No Reset On Close=false", false)]
    [InlineData("Host=db;Database=incidentbot;noresetonclose=false", false)]
    [InlineData("Host=db;Database=incidentbot;No Reset On Close=true", true)]
    public async Task TheStoresPoolKeepsSessionsUnlessTheConnectionStringSaysOtherwise(string connectionString, bool kept)
    {
        await using var dataSource = PostgresStorageExtensions.DataSource(connectionString, null);

        Assert.Equal(kept, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose);
    }

    public static TheoryData<string, int> GivenSchedulerSettings => new()
    {
        { "Host=db;Database=incidentbot", 50 },
        { "Host=db;Database=incidentbot;Max Auto Prepare=0", 0 },
        { "Host=db;Database=incidentbot;maxautoprepare=0", 0 },
        { "Host=db;Database=incidentbot;Max Auto Prepare=9", 9 },
    };

    [Theory]
    [MemberData(nameof(GivenSchedulerSettings))]
    public void TheSchedulerPreparesUnlessTheConnectionStringSaysHowMany(string connectionString, int prepared)
    {
        var scheduler = new NpgsqlConnectionStringBuilder(PostgresScheduling.SchedulerConnectionString(connectionString));

        Assert.Equal(prepared, scheduler.MaxAutoPrepare);
        Assert.True(scheduler.NoResetOnClose);
        Assert.Equal(PostgresScheduling.ApplicationName, scheduler.ApplicationName);
    }

    [Theory]
    [InlineData("Max Auto Prepare", true)]
    [InlineData("maxautoprepare", true)]
    [InlineData("Application Name", false)]
    [InlineData("No Reset On Close", false)]
    public void AKeywordIsSetOnlyWhenTheStringGivesIt(string keyword, bool set)
    {
        Assert.Equal(set, PostgresStorageExtensions.Sets("Host=db;Max Auto Prepare=5", keyword));
    }

    [SkippableFact]
    public async Task AStatementRunOnceAPerCheckoutIsPreparedAndStaysPreparedInThePool()
    {
        var database = await server.CreateDatabaseAsync();
        await using var dataSource = PostgresStorageExtensions.DataSource(database, null);

        await RunOncePerCheckoutAsync(dataSource);

        Assert.Equal(["SELECT $1::integer + 1"], await PreparedAsync(dataSource));
    }

    [SkippableFact]
    public async Task MaxAutoPrepareZeroPreparesNothing()
    {
        var database = await server.CreateDatabaseAsync();
        await using var dataSource = PostgresStorageExtensions.DataSource(database + ";Max Auto Prepare=0", null);

        await RunOncePerCheckoutAsync(dataSource);

        Assert.Empty(await PreparedAsync(dataSource));
    }

    /// <summary>
    /// One statement eight times, one at a time, so every call takes the same pooled connection and gives it back, as a
    /// webhook's commit does.
    /// </summary>
    private static async Task RunOncePerCheckoutAsync(NpgsqlDataSource dataSource)
    {
        for (var call = 0; call < 8; call++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("SELECT $1::integer + 1", connection) { Parameters = { new() { Value = call } } };
            Assert.Equal(call + 1, await command.ExecuteScalarAsync());
        }
    }

    /// <summary>The statements the pool's connection has prepared on the server.</summary>
    private static async Task<List<string>> PreparedAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT statement FROM pg_prepared_statements ORDER BY statement", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new List<string>();
        while (await reader.ReadAsync())
        {
            statements.Add(reader.GetString(0));
        }
        return statements;
    }
}
