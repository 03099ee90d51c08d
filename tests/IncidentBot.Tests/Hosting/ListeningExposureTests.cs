using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using IncidentBot.Hosting;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Hosting;

/// <summary>
/// Without WebConsole:AccessToken the bot listens on loopback only, however the address was given: each way of
/// binding is started as a real process, which must refuse with exit code 78, the problem listed like any other
/// configuration problem, and no stack trace.
/// </summary>
public sealed class ListeningExposureTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-exposure-").FullName;

    /// <summary>Ways of binding beyond loopback: command-line arguments, environment variables, and appsettings.json in the bot's home.</summary>
    public static TheoryData<string, string[], string[], string?> ExposedBindings()
    {
        var lan = LanAddress();
        return new()
        {
            { "--urls 0.0.0.0", ["--urls", "http://0.0.0.0:{port}"], [], null },
            { "--urls *", ["--urls", "http://*:{port}"], [], null },
            { "--urls +", ["--urls", "http://+:{port}"], [], null },
            { "--urls [::]", ["--urls", "http://[::]:{port}"], [], null },
            { "--urls LAN IP", ["--urls", $"http://{lan}:{{port}}"], [], null },
            { "--urls host name", ["--urls", "http://incidentbot.example.com:{port}"], [], null },
            { "--urls loopback and 0.0.0.0", ["--urls", "http://127.0.0.1:{port};http://0.0.0.0:{port2}"], [], null },
            { "ASPNETCORE_URLS", [], ["ASPNETCORE_URLS=http://0.0.0.0:{port}"], null },
            { "DOTNET_URLS", [], ["DOTNET_URLS=http://*:{port}"], null },
            { "ASPNETCORE_HTTP_PORTS", [], ["ASPNETCORE_HTTP_PORTS={port}"], null },
            { "Kestrel:Endpoints in the environment", [], ["Kestrel__Endpoints__Web__Url=http://0.0.0.0:{port}"], null },
            { "Kestrel:Endpoints on the command line", ["--Kestrel:Endpoints:Web:Url=http://[::]:{port}"], [], null },
            { "Kestrel:Endpoints in appsettings.json", [], [], """{ "Kestrel": { "Endpoints": { "Web": { "Url": "http://0.0.0.0:{port}" } } } }""" },
            { "Kestrel:Endpoints with a LAN IP", [], [$"Kestrel__Endpoints__Lan__Url=http://{lan}:{{port}}", "Kestrel__Endpoints__Local__Url=http://localhost:{port2}"], null },
            { "urls in appsettings.json", [], [], """{ "urls": "http://+:{port}" }""" },
        };
    }

    [Theory]
    [MemberData(nameof(ExposedBindings))]
    public async Task EveryWayOfListeningBeyondLoopbackWithoutATokenIsAConfigurationProblem(string way, string[] arguments, string[] environment, string? appsettings)
    {
        var (exitCode, output) = await RunAsync(arguments, environment, appsettings);

        Assert.True(exitCode == 78, $"{way}: exit code {exitCode}\n{output}");
        Assert.Contains("IncidentBot cannot start: 1 configuration problem(s)", output);
        Assert.Contains("WebConsole:AccessToken: IncidentBot would listen beyond this machine", output);
        Assert.Contains("with no access control", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    [Fact]
    public async Task ExposureIsListedWithTheOtherProblems()
    {
        var (exitCode, output) = await RunAsync(["--urls", "http://0.0.0.0:{port}"], ["Outbox__Parallelism=many"], null);

        Assert.Equal(78, exitCode);
        Assert.Contains("IncidentBot cannot start: 2 configuration problem(s)", output);
        Assert.Contains("Outbox:Parallelism: 'many' is not a whole number", output);
        Assert.Contains("WebConsole:AccessToken: IncidentBot would listen beyond this machine (http://0.0.0.0:", output);
        Assert.Empty(Directory.GetFiles(_data, "*.db")); // refused before the data file was opened
    }

    [Fact]
    public async Task AddressesTheConfigurationDoesNotShowAreCheckedOnceBound()
    {
        // With preferHostingUrls, Kestrel binds --urls instead of Kestrel:Endpoints: the configuration reads as
        // loopback only, but the server listens on every interface. The bound addresses decide.
        var (exitCode, output) = await RunAsync(
            ["--urls", "http://0.0.0.0:{port}", "--Kestrel:Endpoints:Local:Url=http://127.0.0.1:{port2}", "--preferHostingUrls", "true"], [], null);

        Assert.True(exitCode == 78, $"exit code {exitCode}\n{output}");
        Assert.Contains("IncidentBot would listen beyond this machine (http://0.0.0.0:", output);
        Assert.Contains("from the server's bound addresses", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Theory]
    [InlineData("Kestrel__Endpoints__Local__Url=http://127.0.0.1:{port}", null)]
    [InlineData("Kestrel__Endpoints__Local__Url=http://localhost:{port}", null)]
    [InlineData("ASPNETCORE_URLS=http://[::1]:{port2};http://127.0.0.1:{port}", null)]
    [InlineData("ASPNETCORE_URLS=http://0.0.0.0:{port}", "a-long-random-console-token")]
    [InlineData("Kestrel__Endpoints__Web__Url=http://*:{port}", "a-long-random-console-token")]
    public async Task LoopbackOrATokenStarts(string binding, string? token)
    {
        var port = BotLaunch.FreePort();
        var environment = new List<string> { binding };
        if (token is not null)
        {
            environment.Add($"WebConsole__AccessToken={token}");
        }
        using var process = Start([], environment, null, port, BotLaunch.FreePort());
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(process.HasExited, $"the bot exited with {(process.HasExited ? process.ExitCode : 0)}");
                try
                {
                    return (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, $"the bot on {binding} to become ready", TimeSpan.FromSeconds(60));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://LOCALHOST", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.8.9.10:5080", true)]
    [InlineData("https://[::1]:5443", true)]
    [InlineData("http://[::ffff:127.0.0.1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    [InlineData("http://[fe80::1]:5080", false)]
    [InlineData("http://localhost.:5080", false)]
    [InlineData("http://localhost.evil.example:5080", false)]
    [InlineData("http://unix:/run/incidentbot.sock", false)]
    [InlineData("localhost:5080", false)]
    [InlineData("", false)]
    public void AnAddressIsLoopbackOnlyForLoopbackHosts(string address, bool loopback) =>
        Assert.Equal(loopback, ListeningAddresses.IsLoopback(address));

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, IEnumerable<string> environment, string? appsettings)
    {
        using var process = Start(arguments, environment, appsettings, BotLaunch.FreePort(), BotLaunch.FreePort());
        return await BotProcess.RunToExitAsync(process, "The bot started instead of refusing its addresses.");
    }

    /// <summary>The built bot, started in the data folder (its home when an appsettings.json is written there), with nothing but what the case gives.</summary>
    private Process Start(IEnumerable<string> arguments, IEnumerable<string> environment, string? appsettings, int port, int port2)
    {
        string Fill(string text) => text.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("{port2}", port2.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (appsettings is not null)
        {
            File.WriteAllText(Path.Combine(_data, "appsettings.json"), Fill(appsettings));
        }
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _data, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BotProcess.HostAssembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(Fill(argument));
        }
        // A clean slate: no address or token from the environment the tests run in.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "WebConsole__AccessToken" })
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["Storage__Path"] = Path.Combine(_data, "incidentbot.db");
        start.Environment["Runbooks__Path"] = Path.Combine(RepositoryPaths.Root, "runbooks");
        foreach (var variable in environment)
        {
            var (name, value) = (variable[..variable.IndexOf('=')], variable[(variable.IndexOf('=') + 1)..]);
            start.Environment[name] = Fill(value);
        }
        return Process.Start(start)!;
    }

    /// <summary>An address of this machine on a network, or a private one when it has none (the check refuses before binding).</summary>
    private static string LanAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString()
        ?? "192.168.1.20";
}
