using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Hosting;

/// <summary>
/// The first thing a new operator types: <c>--help</c>, <c>help &lt;command&gt;</c>, or a mistyped command. None of them
/// may start the server (a mistyped <c>bakup</c> must not quietly become a second bot on the data file).
/// </summary>
public sealed class CommandLineHelpTests : IDisposable
{
    private static readonly string[] EveryCommand = ["runbooks lint", "catalog lint", "rca export", "backup", "restore", "storage copy", "healthcheck", "tokens create", "tokens list", "tokens revoke"];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("incidentbot-cli-");

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("help")]
    public async Task HelpListsEveryCommandAndHowToStartTheServer(string argument)
    {
        var result = await BotTool.RunAsync(_folder.FullName, new Dictionary<string, string>(), argument);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in EveryCommand)
        {
            Assert.Contains(command, result.Output);
        }
        Assert.Contains("--urls", result.Output);
        Assert.Contains("help <command>", result.Output);
        AssertNoServerStarted(result);
    }

    [Theory]
    [InlineData("runbooks", "runbooks lint [path]")]
    [InlineData("catalog", "catalog lint [path]")]
    [InlineData("rca", "rca export <folder>")]
    [InlineData("backup", "backup <file> [--url")]
    [InlineData("restore", "restore <file>")]
    [InlineData("storage", "storage copy <litedb-file>")]
    [InlineData("healthcheck", "healthcheck [url]")]
    [InlineData("tokens", "tokens create --name <name> --role viewer|responder|lead")]
    public async Task HelpForACommandPrintsItsUsage(string command, string usage)
    {
        var result = await BotTool.RunAsync(_folder.FullName, new Dictionary<string, string>(), "help", command);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(usage, result.Output);
        AssertNoServerStarted(result);
    }

    [Theory]
    [InlineData("bakup")]
    [InlineData("serve")]
    [InlineData("start")]
    [InlineData("runbook", "lint")]
    [InlineData("Backup", "x.db")]
    [InlineData("help", "bakup")]
    [InlineData("help", "serve", "now")]
    public async Task AnUnknownCommandPrintsUsageAndExits2(params string[] args)
    {
        var result = await BotTool.RunAsync(_folder.FullName, new Dictionary<string, string>(), args);

        Assert.True(result.ExitCode == 2, result.ToString());
        var word = args[0] == "help" ? args[1] : args[0];
        Assert.Contains($"There is no command '{word}'", result.Errors);
        Assert.Contains("help <command>", result.Errors);
        AssertNoServerStarted(result);
    }

    [Fact]
    public async Task ConfigurationGivenAsKeyEqualsValueStillStartsTheServer()
    {
        // Key=value is ASP.NET Core's own command-line form, not a command: the server starts and reads it (here a
        // provider it refuses, so it stops at the configuration check, 78, instead of listening).
        var result = await BotTool.RunAsync(_folder.FullName, new Dictionary<string, string>(), "Storage:Provider=cassandra", "--urls", "http://127.0.0.1:0");

        Assert.True(result.ExitCode == 78, result.ToString());
        Assert.Contains("Storage:Provider", result.Output + result.Errors);
    }

    private void AssertNoServerStarted(BotTool.Result result)
    {
        Assert.DoesNotContain("Now listening", result.Output + result.Errors);
        Assert.False(Directory.Exists(Path.Combine(_folder.FullName, "data")), "the server's data folder was created");
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
