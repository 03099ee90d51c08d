using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Teams.Api;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// The Teams app asks a team for exactly the resource-specific permissions the code uses: each Graph call the adapter
/// makes is catalogued with its permission (TeamsGraphCalls), and the manifest lists those and nothing else.
/// </summary>
public sealed partial class TeamsPermissionTests
{
    [Fact]
    public void TheManifestAsksForExactlyThePermissionsTheGraphCallsNeed()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "manifests", "teams", "manifest.json")))!;
        var asked = manifest["authorization"]!["permissions"]!["resourceSpecific"]!.AsArray()
            .Select(p => p!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var needed = TeamsGraphCalls.All.Select(c => c.Permission).ToHashSet(StringComparer.Ordinal);

        Assert.True(needed.IsSubsetOf(asked), $"the manifest lacks: {string.Join(", ", needed.Except(asked))}");
        Assert.True(asked.IsSubsetOf(needed), $"the manifest asks for permissions no code uses: {string.Join(", ", asked.Except(needed))}");
    }

    [Fact]
    public void EveryGraphCallInTheAdapterIsCataloguedAndEveryCataloguedCallIsMade()
    {
        var source = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src", "IncidentBot.Teams"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        // `_graph.Value.Teams[teamId].Channels.PostAsync(` → `Teams[].Channels.PostAsync`
        var made = source.SelectMany(text => GraphCall().Matches(text).Select(m => Indexers().Replace(m.Groups[1].Value, "[]")))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(made);
        Assert.Empty(made.Except(TeamsGraphCalls.All.Select(c => c.Chain)).Order());
        Assert.Empty(TeamsGraphCalls.All.Select(c => c.Chain).Except(made).Order());
    }

    [GeneratedRegex(@"_graph\.Value\.([A-Za-z][A-Za-z0-9_.\[\]]*?\.(?:Get|Post|Patch|Put|Delete)Async)\(")]
    private static partial Regex GraphCall();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Indexers();
}
