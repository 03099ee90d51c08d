using System.Diagnostics;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Runs one of the bot's command-line tools (<c>dotnet IncidentBot.dll backup …</c>) as a real process.</summary>
public static class BotTool
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}{Errors}";
    }

    /// <summary>Runs in <paramref name="folder"/> with <paramref name="settings"/> as environment variables, as an operator would.</summary>
    public static async Task<Result> RunAsync(string folder, IDictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BotProcess.HostAssembly());
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await errors);
    }
}
