using System.Diagnostics;
using IncidentBot.Bench.Bot;

namespace IncidentBot.Bench.Baselines;

/// <summary>
/// The HTTP limit: an ASP.NET Core endpoint that reads the whole body and answers 202, nothing else. It runs as
/// its own process with the bot's GC mode, so it competes for the machine exactly as the bot does.
/// </summary>
public static class EmptyEndpoint
{
    public const string Command = "empty-endpoint";

    /// <summary>The child process's entry point.</summary>
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/readyz", () => TypedResults.Ok());
        app.MapPost("/webhooks/{source}", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return TypedResults.Accepted((string?)null);
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>Starts this bench's own executable as the empty endpoint and waits until it answers.</summary>
    public static async Task<Process> StartAsync(Uri address)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(EmptyEndpoint).Assembly.Location);
        start.ArgumentList.Add(Command);
        start.ArgumentList.Add(address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The bot is an ASP.NET Core app and so runs with server GC; the bench itself does not.
        start.Environment["DOTNET_gcServer"] = "1";
        var process = Process.Start(start)!;
        // Read and drop its output, so a full pipe can never stall it mid-run.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        using var client = new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                (await client.GetAsync("/readyz")).EnsureSuccessStatusCode();
                return process;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        process.Kill();
        throw new InvalidOperationException("The empty endpoint did not start within 30 s.");
    }

    public static Uri NewAddress() => new($"http://127.0.0.1:{BotUnderTest.FreePort()}");
}
