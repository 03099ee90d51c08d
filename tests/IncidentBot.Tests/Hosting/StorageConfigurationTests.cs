using IncidentBot.Hosting;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace IncidentBot.Tests.Hosting;

/// <summary>
/// Storage:Provider and ConnectionStrings:IncidentBot: every mistake is one problem naming its key, and no problem
/// ever shows a connection string's values (the password is among them).
/// </summary>
public sealed class StorageConfigurationTests : IDisposable
{
    private const string Secret = "s3cret-Passw0rd";
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-storage-config-").FullName;

    [Fact]
    public void NothingConfiguredIsLiteDbWithNoProblem()
    {
        Assert.Empty(Problems([]));
        Assert.Empty(Problems(new() { ["Storage:Provider"] = "" })); // a template's blank variable
        Assert.Empty(Problems(new() { ["Storage:Provider"] = "LiteDB" }));
        Assert.False(new StorageOptions().UsesPostgres);
        Assert.Equal("litedb", new StorageOptions().Provider);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("Postgres")]
    [InlineData(" POSTGRES ")]
    public void PostgresWithAWorkingLookingConnectionStringHasNoProblem(string provider)
    {
        Assert.Empty(Problems(new() { ["Storage:Provider"] = provider, ["ConnectionStrings:IncidentBot"] = $"Host=db.internal;Database=incidentbot;Username=bot;Password={Secret}" }));
    }

    [Theory]
    [InlineData("postgress", "did you mean postgres?")]
    [InlineData("postgresql", "did you mean postgres?")]
    [InlineData("lite-db", "did you mean litedb?")]
    [InlineData("liteDB2", "did you mean litedb?")]
    [InlineData("sqlite", "")]
    [InlineData("mongodb", "")]
    [InlineData("pg", "")]
    public void AnUnknownProviderNamesBothStores(string provider, string suggestion)
    {
        var problem = Assert.Single(Problems(new() { ["Storage:Provider"] = provider }));

        Assert.StartsWith($"Storage:Provider: '{provider.Trim()}' is not a store; use litedb (the default: one data file, no setup) or postgres", problem);
        Assert.EndsWith(suggestion == "" ? "ConnectionStrings:IncidentBot)" : suggestion, problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void PostgresWithoutAConnectionStringSaysWhereToPutOne(string? connectionString)
    {
        var problem = Assert.Single(Problems(new() { ["Storage:Provider"] = "postgres", ["ConnectionStrings:IncidentBot"] = connectionString }));

        Assert.StartsWith("ConnectionStrings:IncidentBot: missing; Storage:Provider postgres needs the PostgreSQL connection string", problem);
        Assert.Contains("ConnectionStrings__IncidentBot", problem);
    }

    public static TheoryData<string, string[]> Malformed => new()
    {
        { $"Host=127.0.0.1;Port=not-a-port;Password={Secret}", ["the value of 'port' is not valid"] },
        { $"Host=127.0.0.1;Port=99999999999;Password={Secret}", ["the value of 'port' is not valid"] },
        { $"Hostt=127.0.0.1;Password={Secret}", ["'hostt' is not a PostgreSQL connection setting; did you mean Host?", "names no Host"] },
        { $"Host=127.0.0.1;Pasword={Secret}", ["'pasword' is not a PostgreSQL connection setting; did you mean Password?"] },
        { $"Host=127.0.0.1;Pooling=maybe;Password={Secret}", ["the value of 'pooling' is not valid"] },
        { $"Host=127.0.0.1;SSL Mode=sometimes;Password={Secret}", ["the value of 'ssl mode' is not valid"] },
        { $"Host=127.0.0.1;Timeout=soon;Command Timeout=-x;Password={Secret}", ["the value of 'timeout' is not valid", "the value of 'command timeout' is not valid"] },
        { $"Host=127.0.0.1;Password='{Secret}", ["not a connection string"] },
        { $"postgres://incidentbot:{Secret}@127.0.0.1/incidentbot", ["not a connection string"] },
        { $"postgres://incidentbot:{Secret}@127.0.0.1/incidentbot?x=y", ["holds a keyword that is not a PostgreSQL connection setting", "names no Host"] },
        { $"Database=incidentbot;Username=incidentbot;Password={Secret}", ["names no Host"] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void AMalformedConnectionStringIsEveryProblemByKeywordAndNeverItsValues(string connectionString, string[] expected)
    {
        var problems = Problems(new() { ["Storage:Provider"] = "postgres", ["ConnectionStrings:IncidentBot"] = connectionString });

        Assert.Equal(expected.Length, problems.Count);
        foreach (var (problem, part) in problems.Zip(expected))
        {
            Assert.StartsWith("ConnectionStrings:IncidentBot: ", problem);
            Assert.Contains(part, problem);
            Assert.DoesNotContain(Secret, problem);
            Assert.DoesNotContain("127.0.0.1", problem);
        }
    }

    [Fact]
    public void AConnectionStringWithLiteDbIsRefusedRatherThanIgnored()
    {
        var problem = Assert.Single(Problems(new() { ["ConnectionStrings:IncidentBot"] = $"Host=db;Password={Secret}" }));

        Assert.StartsWith("ConnectionStrings:IncidentBot: is set, but Storage:Provider is litedb, so it would be ignored; set Storage:Provider to postgres", problem);
        Assert.DoesNotContain(Secret, problem);
    }

    [Fact]
    public void StoragePathIsAllowedWithPostgresForTheFolderOfTheConsoleKeys()
    {
        // The container image sets Storage__Path=/data/incidentbot.db; the web console keeps its keys beside it.
        Assert.Empty(Problems(new() { ["Storage:Provider"] = "postgres", ["Storage:Path"] = "/data/incidentbot.db", ["ConnectionStrings:IncidentBot"] = "Host=db" }));
    }

    [Fact]
    public async Task TheRealProcessListsEveryStorageProblemAtOnceAndExitsWith78WithoutAStackTrace()
    {
        var start = BotProcess.StartInfo(_data, "http://127.0.0.1:0", new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgress",
            ["ConnectionStrings:IncidentBot"] = $"Host=127.0.0.1;Pasword={Secret}",
            ["Incidents:AutoResolve"] = "yes",
        });
        using var process = System.Diagnostics.Process.Start(start)!;

        var (exitCode, output) = await BotProcess.RunToExitAsync(process, "The bot started on a provider that does not exist.");

        Assert.Equal(78, exitCode);
        Assert.Contains("IncidentBot cannot start: 2 configuration problem(s)", output);
        Assert.Contains("Storage:Provider: 'postgress' is not a store; use litedb (the default: one data file, no setup) or postgres (with ConnectionStrings:IncidentBot); did you mean postgres?", output);
        Assert.Contains("Incidents:AutoResolve: 'yes' is not true or false", output);
        Assert.DoesNotContain(Secret, output);
        Assert.DoesNotContain("   at ", output);
        Assert.Empty(Directory.GetFiles(_data, "*", SearchOption.AllDirectories)); // refused before any store was opened
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static List<string> Problems(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var result = new StorageValidation(configuration).Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }
}
