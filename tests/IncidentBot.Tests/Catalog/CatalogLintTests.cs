using System.Diagnostics;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Catalog;

/// <summary><c>catalog lint [path]</c>, run as the real program: <c>file:line: message</c> per problem, exit 1 on any.</summary>
public sealed class CatalogLintTests : IDisposable
{
    private readonly CatalogFiles _files = new();

    [Fact]
    public async Task ShippedExampleCatalogLintsCleanly()
    {
        var (exitCode, output) = await LintAsync(Path.Combine(RepositoryPaths.Root, "catalog"));

        Assert.Equal(0, exitCode);
        Assert.Contains("4 file(s): 2 component(s), 2 group(s), 3 user(s), 1 rota(s): no problems.", output);
    }

    [Fact]
    public async Task ProblemsArePrintedAsFileLineMessageAndFailTheRun()
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments") + "---\n" + CatalogFiles.User("ann", null))
            .Write("broken.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [x\n")
            .Write("rota.yaml", CatalogFiles.Rota("payments", zone: "Mars/Olympus"))
            .Write("c.yaml", CatalogFiles.Component("checkout", owner: "paymnets", annotations: "incidentbot.io/teams-team: Payments"));

        var (exitCode, output) = await LintAsync(_files.Folder);

        Assert.Equal(1, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains("broken.yaml:5: not valid YAML", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("c.yaml:6: `incidentbot.io/teams-team` `Payments` must be the team's id, a GUID such as `19b2d5ec-7a1f-4f6e-9d2c-3b0f3c0a5e11` (the `groupId` in the team's link)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("c.yaml:9: unknown owner `group:default/paymnets`: no Group or User of that name in the catalog", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("org.yaml:14: user `ann` has no `spec.profile.email`: the bot matches people to Slack, Teams and console accounts by e-mail", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("rota.yaml:6: `spec.timeZone: Mars/Olympus` is not an IANA time zone; write e.g. `Europe/Berlin`, `America/New_York` or `UTC`", StringComparison.Ordinal));
        Assert.Contains("4 file(s): 1 component(s), 1 group(s), 1 user(s), 0 rota(s); 5 problem(s).", output);
    }

    [Fact]
    public async Task OneFileCanBeLinted()
    {
        var file = Path.Combine(_files.Write("catalog-info.yaml", CatalogFiles.Component("solo", owner: "user:ann") + "---\n" + CatalogFiles.User("ann", "ann@example.com")).Folder, "catalog-info.yaml");

        var (exitCode, output) = await LintAsync(file);

        Assert.Equal(0, exitCode);
        Assert.Contains("1 file(s): 1 component(s), 0 group(s), 1 user(s), 0 rota(s): no problems.", output);
    }

    [Fact]
    public async Task MissingPathIsAProblem()
    {
        var (exitCode, output) = await LintAsync(Path.Combine(_files.Folder, "nowhere"));

        Assert.Equal(1, exitCode);
        Assert.Contains("nowhere:0: no such file or folder", output);
    }

    [Fact]
    public async Task UnknownSubcommandIsAUsageError()
    {
        var (exitCode, output) = await RunAsync("catalog", "check");

        Assert.Equal(2, exitCode);
        Assert.Contains("Usage: catalog lint [path]", output);
    }

    public void Dispose() => _files.Dispose();

    private static Task<(int ExitCode, string Output)> LintAsync(string path) => RunAsync("catalog", "lint", path);

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BotProcess.HostAssembly() }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
