using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Access;

/// <summary>
/// <c>tokens create / list / revoke</c> as an operator runs them (a real process on the bot's store): the token is
/// printed once, alone on standard output, stored only as a hash, opens the API of a bot started afterwards, and is
/// refused after it is revoked; a duplicate name, a bad role or name and an unknown name get a clear answer.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed partial class TokensCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("incidentbot-tokens-");

    private Dictionary<string, string> Settings => TestStore.SettingsFor(_folder.FullName);

    internal Task<BotTool.Result> RunAsync(params string[] args) => BotTool.RunAsync(_folder.FullName, Settings, args);

    [GeneratedRegex("^ibt_[A-Za-z0-9_-]{43}$")]
    private static partial Regex TokenForm();

    [Fact]
    public async Task ACreatedTokenIsPrintedOnceWorksOnTheApiAndIsRefusedAfterRevoke()
    {
        var created = await RunAsync("tokens", "create", "--name", "ci", "--role", "responder");
        Assert.True(created.ExitCode == 0, created.ToString());
        var token = created.Output.Trim();
        Assert.Matches(TokenForm(), token);
        Assert.Contains("only this once", created.Errors);

        var listed = await RunAsync("tokens", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(@"ci\s+responder\s+.*never\s+active", listed.Output);
        Assert.DoesNotContain(token["ibt_".Length..][..16], listed.Output + listed.Errors);
        AssertTokenNotInDataFile(token);

        await using (var bot = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = "shared-console-token" }, dataFolder: _folder.FullName))
        {
            Assert.Equal(HttpStatusCode.OK, (await GetIncidentsAsync(bot, token)).StatusCode);
        }
        var used = await RunAsync("tokens", "list");
        Assert.DoesNotMatch(@"ci\s+responder\s+.*never", used.Output);

        var revoked = await RunAsync("tokens", "revoke", "--name", "ci");
        var again = await RunAsync("tokens", "revoke", "--name", "ci");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Contains("Revoked API token 'ci'", revoked.Output);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already revoked", again.Output);
        Assert.Matches(@"ci\s+responder\s+.*revoked \d{4}-", (await RunAsync("tokens", "list")).Output);

        await using (var bot = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = "shared-console-token" }, dataFolder: _folder.FullName))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetIncidentsAsync(bot, token)).StatusCode);
        }
    }

    [Fact]
    public async Task EveryTokenIsNewAndADuplicateNameIsRefusedEvenAfterRevoke()
    {
        var first = await RunAsync("tokens", "create", "--name", "ci", "--role", "viewer");
        var second = await RunAsync("tokens", "create", "--role", "lead", "--name", "deploy");
        var duplicate = await RunAsync("tokens", "create", "--name", "ci", "--role", "lead");
        await RunAsync("tokens", "revoke", "--name", "ci");
        var afterRevoke = await RunAsync("tokens", "create", "--name", "ci", "--role", "viewer");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.NotEqual(first.Output.Trim(), second.Output.Trim());
        foreach (var refused in new[] { duplicate, afterRevoke })
        {
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("A token named 'ci' exists already", refused.Errors);
            Assert.DoesNotMatch("ibt_", refused.Output);
        }
        Assert.Matches(@"ci\s+viewer", (await RunAsync("tokens", "list")).Output);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("")]
    [InlineData("owner")]
    [InlineData("lead;drop")]
    [InlineData("respond")]
    public async Task ABadRoleIsAUsageErrorNamingTheRoles(string role)
    {
        var result = await RunAsync("tokens", "create", "--name", "ci", "--role", role);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("use viewer, responder or lead", result.Errors);
        Assert.Empty(result.Output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CI")]
    [InlineData("-ci")]
    [InlineData(".ci")]
    [InlineData("ci bot")]
    [InlineData("ci/prod")]
    [InlineData("<b>ci</b>")]
    [InlineData("caf\u00e9")]
    [InlineData("@channel")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task ABadNameIsAUsageError(string name)
    {
        var result = await RunAsync("tokens", "create", "--name", name, "--role", "viewer");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a token name", result.Errors);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task RevokingAnUnknownNameSaysSo()
    {
        await RunAsync("tokens", "create", "--name", "ci", "--role", "viewer");

        var result = await RunAsync("tokens", "revoke", "--name", "c");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("There is no token named 'c'", result.Errors);
    }

    [Theory]
    [InlineData("tokens")]
    [InlineData("tokens", "create")]
    [InlineData("tokens", "create", "--name", "ci")]
    [InlineData("tokens", "create", "--name", "ci", "--role", "lead", "--name", "x")]
    [InlineData("tokens", "create", "--name", "ci", "--role")]
    [InlineData("tokens", "revoke")]
    [InlineData("tokens", "revoke", "ci")]
    [InlineData("tokens", "list", "--all")]
    [InlineData("tokens", "delete", "--name", "ci")]
    public async Task AnIncompleteCommandPrintsTheUsageAndExits2(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage: tokens create --name <name> --role viewer|responder|lead", result.Errors);
    }

    private static async Task<HttpResponseMessage> GetIncidentsAsync(IncidentBotApplication bot, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/incidents");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await bot.CreateClient().SendAsync(request);
    }

    private void AssertTokenNotInDataFile(string token)
    {
        var file = Path.Combine(_folder.FullName, "incidentbot.db");
        if (!File.Exists(file))
        {
            Assert.True(TestStore.IsPostgres, "the LiteDB data file to exist after tokens create");
            return;
        }
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(token["ibt_".Length..][..16])));
    }

    public void Dispose()
    {
        TestStore.Forget(_folder.FullName);
        _folder.Delete(recursive: true);
    }
}

/// <summary>On LiteDB the running bot has its data file to itself: <c>tokens</c> says to stop it and writes nothing.</summary>
[Trait(StoreTrait.Name, StoreTrait.LiteDb)]
public sealed class TokensCommandOnLiteDbTests
{
    [Fact]
    public async Task OnLiteDbARunningBotsDataFileIsLeftAlone()
    {
        using var folder = new TempFolder();
        await using var bot = new IncidentBotApplication(new() { ["Storage:Provider"] = "litedb" }, dataFolder: folder.Path);
        Assert.Empty(await bot.ListIncidentsAsync());

        var result = await BotTool.RunAsync(folder.Path, new Dictionary<string, string> { ["Storage:Path"] = Path.Combine(folder.Path, "incidentbot.db") }, "tokens", "create", "--name", "ci", "--role", "viewer");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Stop it first", result.Errors);
    }

    private sealed class TempFolder : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("incidentbot-tokens-");

        public string Path => _folder.FullName;

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
