using System.Diagnostics;
using System.Net;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Bench.Bot;

/// <summary>
/// The bot as its own process on loopback, the way it runs in production: the built host, a fresh data folder,
/// settings as environment variables. Its output is kept (the last lines) to explain a failed start.
/// </summary>
public sealed class BotUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private BotUnderTest(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The most memory the process has held (VmHWM on Linux), in bytes.</summary>
    public long PeakWorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>User + system CPU time the bot process has used so far (zero where /proc cannot be read).</summary>
    public TimeSpan CpuTime => ProcessCpu.Of(_process.Id) ?? TimeSpan.Zero;

    public static async Task<BotUnderTest> StartAsync(string botAssembly, string dataFolder, IReadOnlyDictionary<string, string> settings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = BotLaunch.StartInfo(botAssembly, Path.Combine(BenchPaths.Root, "runbooks"), dataFolder, address.ToString(), settings);
        var bot = new BotUnderTest(Process.Start(start)!, address);
        bot._process.OutputDataReceived += (_, e) => bot.Keep(e.Data);
        bot._process.ErrorDataReceived += (_, e) => bot.Keep(e.Data);
        bot._process.BeginOutputReadLine();
        bot._process.BeginErrorReadLine();
        await bot.WaitUntilReadyAsync();
        return bot;
    }

    public string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join(Environment.NewLine, _lastLines);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"The bot did not become ready:{Environment.NewLine}{LastLines()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 50)
            {
                _lastLines.Dequeue();
            }
        }
    }

    public static int FreePort() => BotLaunch.FreePort();
}
