using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// The bot as a real operating-system process on a loopback port, for what an in-memory host cannot show:
/// being killed with SIGKILL, or being called by a real Alertmanager.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BotProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>Starts the built bot with the given settings (as environment variables) and waits until it is ready.</summary>
    public static async Task<BotProcess> StartAsync(string dataFolder, IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var start = StartInfo(dataFolder, $"http://127.0.0.1:{port}", settings);
        var bot = new BotProcess(Process.Start(start)!, port);
        bot._process.OutputDataReceived += (_, e) => bot.Append(e.Data);
        bot._process.ErrorDataReceived += (_, e) => bot.Append(e.Data);
        bot._process.BeginOutputReadLine();
        bot._process.BeginErrorReadLine();
        await bot.WaitUntilHealthyAsync();
        return bot;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly like a crash or the OOM killer.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as Kubernetes and Docker stop a container; returns the exit code once the process has gone.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async Task<List<IncidentView>> IncidentsAsync() =>
        (await Client.GetFromJsonAsync<List<IncidentView>>("/api/incidents?status=all&limit=1000", Json.Options))!;

    public async Task<IncidentView> IncidentAsync(int number) =>
        (await Client.GetFromJsonAsync<IncidentView>($"/api/incidents/{number}", Json.Options))!;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
        Client.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The bot exited with code {_process.ExitCode} while starting:\n{Output}");
            }
            try
            {
                if ((await Client.GetAsync("/readyz")).StatusCode is HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        Assert.Fail($"The bot did not become ready within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output) { _output.AppendLine(line); }
        }
    }

    /// <summary>
    /// How the built bot is started: its own store for <paramref name="dataFolder"/> (<see cref="TestStore"/>: a data file
    /// in it, or its own PostgreSQL database), the repository's runbooks,
    /// and the given settings as environment variables (<c>:</c> or <c>__</c> between sections).
    /// </summary>
    public static ProcessStartInfo StartInfo(string dataFolder, string urls, IDictionary<string, string>? settings = null)
    {
        // Tests read the bot's Information lines, whatever appsettings.json says; a test's own settings still win.
        var withLogs = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Information",
            // An empty catalog, as IncidentBotApplication's: the shipped example would give alerts about orders-db an
            // on-call commander and team calls in the background. Tests of that pass IncidentBotApplication.ExampleCatalog.
            ["Catalog:Path"] = Directory.CreateDirectory(Path.Combine(dataFolder, "catalog")).FullName,
        };
        // This run's store (TestStore), unless the test chose one itself.
        if (settings is null || !settings.Keys.Any(k => k.Replace("__", ":").StartsWith("Storage:Provider", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var (key, value) in TestStore.SettingsFor(dataFolder))
            {
                withLogs[key] = value;
            }
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            withLogs[key] = value;
        }
        return BotLaunch.StartInfo(HostAssembly(), Path.Combine(RepositoryPaths.Root, "runbooks"), dataFolder, urls, withLogs);
    }

    /// <summary>The host built beside the tests, in the same configuration (Debug or Release).</summary>
    public static string HostAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(RepositoryPaths.Root, "src", "IncidentBot", "bin", configuration, "net10.0", "IncidentBot.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the host first: {path} is missing.");
    }

    public static int FreePort() => BotLaunch.FreePort();

    /// <summary>
    /// Waits for a bot expected to refuse its start and exit by itself; its exit code and everything it printed.
    /// A bot still running after a minute is killed and <paramref name="startedInstead"/> says what went wrong.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(Process process, string startedInstead)
    {
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(startedInstead);
        }
        return (process.ExitCode, string.Join("\n", await output));
    }
}
