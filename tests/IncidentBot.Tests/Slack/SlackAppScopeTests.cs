using System.Text.RegularExpressions;
using IncidentBot.Slack.Api;
using IncidentBot.Tests.Deployment;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// The Slack app asks a workspace for exactly what the code uses: every scope in the manifests belongs to a method the
/// adapter calls (SlackMethods) or to an event or command the app subscribes to, and every such scope is in them.
/// </summary>
public sealed partial class SlackAppScopeTests
{
    public static TheoryData<string> Manifests => ["app-manifest.yaml", "app-manifest-socket-mode.yaml"];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void TheManifestAsksForExactlyTheScopesTheCodeUses(string file)
    {
        var manifest = YamlNode.Load(Path.Combine(RepositoryPaths.Root, "manifests", "slack", file));
        var asked = manifest["oauth_config"]["scopes"]["bot"].Items.Select(i => i.Text).ToHashSet(StringComparer.Ordinal);
        var events = manifest["settings"]["event_subscriptions"]["bot_events"].Items.Select(i => i.Text).ToList();
        var commands = manifest["features"]["slash_commands"].Items.Select(i => i["command"].Text).ToList();

        var needed = SlackMethods.All.Values.Where(m => !m.AppToken).SelectMany(m => m.Scopes)
            .Concat(events.Concat(commands).Select(feature =>
                SlackMethods.FeatureScopes.TryGetValue(feature, out var scope) ? scope : throw new KeyNotFoundException($"{file} subscribes to {feature}, which SlackMethods.FeatureScopes does not know.")))
            .ToHashSet(StringComparer.Ordinal);

        var missing = needed.Except(asked).Order().ToList();
        var unused = asked.Except(needed).Order().ToList();
        Assert.True(missing.Count == 0, $"{file} lacks scopes the code needs: {string.Join(", ", missing)}");
        Assert.True(unused.Count == 0, $"{file} asks for scopes no code uses: {string.Join(", ", unused)}");
    }

    [Fact]
    public void EveryMethodTheAdapterCallsIsCataloguedAndEveryCataloguedMethodIsCalled()
    {
        var source = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src", "IncidentBot.Slack"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        var called = source.SelectMany(text => CalledMethod().Matches(text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(called);
        Assert.Empty(called.Except(SlackMethods.All.Keys).Order());
        Assert.Empty(SlackMethods.All.Keys.Except(called).Order());
    }

    [Fact]
    public void AMethodOutsideTheCatalogueIsRefusedBeforeAnythingIsSent()
    {
        var problem = Assert.Throws<InvalidOperationException>(() => SlackMethods.Get("reactions.add"));

        Assert.Contains("reactions.add", problem.Message);
        Assert.Contains("manifests/slack", problem.Message);
    }

    [GeneratedRegex("CallAsync\\(\"([a-z]+\\.[A-Za-z.]+)\"")]
    private static partial Regex CalledMethod();
}
