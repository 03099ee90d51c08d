using System.Diagnostics;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Runbooks;

/// <summary><c>dotnet run --project src/IncidentBot -- runbooks lint [path]</c>, run as the real program.</summary>
public sealed class RunbookLintTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("runbooks-lint-").FullName;

    [Fact]
    public async Task ShippedRunbooksLintCleanly()
    {
        var (exitCode, output) = await LintAsync(Path.Combine(RepositoryPaths.Root, "runbooks"));

        Assert.Equal(0, exitCode);
        Assert.Contains("6 file(s), 6 runbook(s): no problems.", output);
    }

    [Fact]
    public async Task ProblemsArePrintedAsFileLineMessageAndFailTheRun()
    {
        File.WriteAllText(Path.Combine(_folder, "ok.md"), "---\nid: ok\ntitle: OK\n---\n# OK\n## Step\nx\n");
        File.WriteAllText(Path.Combine(_folder, "no-steps.md"), "---\nid: no-steps\ntitle: No steps\n---\n# No steps\nJust text.\n");
        File.WriteAllText(Path.Combine(_folder, "bad-key.md"), "---\nid: bad-key\ntitle: Bad\nprority: high\n---\n# Bad\n## Step\nx\n");

        var (exitCode, output) = await LintAsync(_folder);

        Assert.Equal(1, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.EndsWith("bad-key.md:4: unknown front-matter key `prority`; known keys: id, title, services, match, severity, owner, estimatedMinutes"));
        Assert.Contains(lines, l => l.EndsWith("no-steps.md:6: the runbook has no steps: each `## heading` is one step"));
        Assert.Contains("3 file(s), 1 good runbook(s), 2 problem(s).", output);
    }

    [Fact]
    public async Task OneFileCanBeLinted()
    {
        var file = Path.Combine(_folder, "single.md");
        File.WriteAllText(file, "---\nid: single\ntitle: Single\n---\n# Single\n## Step\nx\n");

        var (exitCode, output) = await LintAsync(file);

        Assert.Equal(0, exitCode);
        Assert.Contains("1 file(s), 1 runbook(s): no problems.", output);
    }

    [Fact]
    public async Task MissingPathIsAProblem()
    {
        var (exitCode, output) = await LintAsync(Path.Combine(_folder, "nowhere"));

        Assert.Equal(1, exitCode);
        Assert.Contains("no such file or folder", output);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int ExitCode, string Output)> LintAsync(string path)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BotProcess.HostAssembly(), "runbooks", "lint", path })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + errors);
    }
}
