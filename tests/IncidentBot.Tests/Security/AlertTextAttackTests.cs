using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Alerts;
using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Slack.Messages;
using IncidentBot.Teams.Messages;
using IncidentBot.Tests.Chat;
using IncidentBot.Tests.Teams;
using IncidentBot.WebConsole;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Security;

/// <summary>
/// An alert's own words are text on every platform: attack text as its description, label names and values,
/// annotations, link titles and link addresses, in the opening message and in a storm's summary, never becomes a
/// Slack link or mention, an Adaptive Card link or mention, or console markup; only safe addresses become links.
/// </summary>
public sealed partial class AlertTextAttackTests
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        var attacks = AttackCorpus.Everything().Concat(AttackCorpus.UnsafeUrls).Distinct().ToList();
        for (var i = 0; i < attacks.Count; i++)
        {
            data.Add(attacks[i], i % 2 == 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SlackGetsNoLinkOrMentionFromAlertText(string attack, bool storm)
    {
        var blocks = BlockKitRenderer.Blocks(Message(attack, storm));

        foreach (var text in Texts(blocks))
        {
            // The only "<" left are the links to the safe addresses the alert also carries.
            Assert.DoesNotContain("<", SafeLinks().Replace(text, ""));
        }
        Assert.True(blocks.ToJsonString().Length <= 11_500);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TeamsGetsNoLinkOrMentionFromAlertTextAndTheCardIsValid(string attack, bool storm)
    {
        var card = AdaptiveCardMessageRenderer.Card(Message(attack, storm));

        AdaptiveCardSchemaTests.AssertValid(card, attack);
        foreach (var text in Texts(card["body"]!))
        {
            RendererAttackTests.AssertNoCardMarkup(SafeCardLinks().Replace(text, ""));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheConsoleGetsNoMarkupFromAlertText(string attack, bool storm)
    {
        var html = WebMessageRenderer.Render(Message(attack, storm));

        var hrefs = Href().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.All(hrefs, url => Assert.StartsWith("https://safe.example/", url));
        Assert.Equal(storm ? 0 : 1, hrefs.Count);
        var withoutOwnMarkup = Regex.Replace(html, "</?(div|span|dl|dt|dd|ul|li|button|a)( [^<>]*)?>", "");
        RendererAttackTests.AssertSafeHtml(withoutOwnMarkup);
    }

    [Theory]
    [MemberData(nameof(AttackCorpus.UnsafeLinks), MemberType = typeof(AttackCorpus))]
    public void AnUnsafeLinkAddressIsShownAsTextWithItsTitle(string markdown)
    {
        var url = Regex.Match(markdown, @"\]\(<?(?<url>[^>)]*)").Groups["url"].Value;
        if (url.Length == 0 || LinkPolicy.IsSafe(url))
        {
            return; // the corpus also writes unsafe targets in ways this pattern does not read; those are covered above
        }
        var message = new ChatMessage { Blocks = [new LinksBlock([new MessageLink("Graph", url)])] };

        Assert.DoesNotContain("<", Texts(BlockKitRenderer.Blocks(message)).Single());
        Assert.DoesNotMatch(@"\]\(", Texts(AdaptiveCardMessageRenderer.Card(message)["body"]!).Single());
        Assert.DoesNotContain("href", WebMessageRenderer.Render(message));
        Assert.Contains("Graph", WebMessageRenderer.Render(message));
    }

    private static ChatMessage Message(string attack, bool storm)
    {
        var alert = AlertDetailsTests.Stored(labels: new() { ["alertname"] = attack, ["instance"] = attack, [attack] = attack });
        alert.Title = attack;
        alert.Description = $"{attack}\n{attack}";
        alert.Annotations = new() { ["summary"] = $"summary {attack}", ["description"] = $"more {attack}", ["runbook_url"] = attack, ["dashboard"] = attack };
        alert.Links = [new AlertLink(attack, attack), new AlertLink(attack, "https://safe.example/graph?q=1"), new AlertLink("Silence", attack)];
        var incident = new Incident { Number = 1, Title = attack, Severity = Severity.Sev1, CreatedAt = DateTimeOffset.UnixEpoch, AlertCount = 3, FiringAlertCount = 3 };
        if (!storm)
        {
            return IncidentMessages.Summary(incident, new RoleCatalog(Options.Create(new RoleOptions())), alertDetails: IncidentMessages.AlertDetails(alert, new AlertDetailOptions()));
        }
        var other = AlertDetailsTests.Stored(fingerprint: "g", labels: new() { ["alertname"] = "x", ["instance"] = $"{attack}2", [$"{attack}2"] = "y" });
        other.Title = attack;
        return IncidentMessages.AlertStorm(incident, [alert, other], [], new AlertDetailOptions());
    }

    /// <summary>Every text Slack or Teams parses: "text" strings, fact titles and values.</summary>
    private static IEnumerable<string> Texts(JsonNode node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key is "text" or "title" or "value" && p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? [s] : p.Value is null ? [] : Texts(p.Value)),
        JsonArray array => array.SelectMany(i => i is null ? [] : Texts(i)),
        _ => [],
    };

    [GeneratedRegex(@"<https://safe\.example/graph\?q=1\|[^<>]*>")]
    private static partial Regex SafeLinks();

    [GeneratedRegex(@"\[(?:\\.|[^\\\]])*\]\(https://safe\.example/graph\?q=1\)")]
    private static partial Regex SafeCardLinks();

    [GeneratedRegex("href=\"(?<url>[^\"]*)\"")]
    private static partial Regex Href();
}
