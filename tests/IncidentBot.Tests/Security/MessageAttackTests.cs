using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Slack.Messages;
using IncidentBot.Teams.Messages;
using IncidentBot.WebConsole;

namespace IncidentBot.Tests.Security;

/// <summary>
/// Whole messages of every kind, with attack text in every block that carries outside text (header, Markdown,
/// fields, checklist), through the three platforms' renderers: Block Kit, Adaptive Card activities, console HTML.
/// </summary>
public sealed class MessageAttackTests
{
    public static TheoryData<string, MessageKind, bool> Cases()
    {
        var data = new TheoryData<string, MessageKind, bool>();
        var kinds = Enum.GetValues<MessageKind>();
        var attacks = AttackCorpus.Everything();
        for (var i = 0; i < attacks.Count; i++)
        {
            // Every attack once, the kinds and drill flag taking turns, so every kind meets many attacks.
            data.Add(attacks[i], kinds[i % kinds.Length], i % 3 == 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SlackGetsNoMarkupFromOutsideText(string attack, MessageKind kind, bool drill)
    {
        var message = Message(attack, kind, drill);

        Assert.DoesNotContain("<", BlockKitRenderer.FallbackText(message));
        foreach (var text in Strings(BlockKitRenderer.Blocks(message), "text"))
        {
            Assert.DoesNotContain("<", text);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TeamsGetsNoLinkOrMentionFromOutsideText(string attack, MessageKind kind, bool drill)
    {
        var card = AdaptiveCardMessageRenderer.Activity(Message(attack, kind, drill))["attachments"]![0]!["content"]!;

        foreach (var text in Strings(card["body"]!, "text").Concat(Strings(card["body"]!, "title")).Concat(Strings(card["body"]!, "value")))
        {
            RendererAttackTests.AssertNoCardMarkup(text);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheConsoleGetsNoScriptLinkOrImageFromOutsideText(string attack, MessageKind kind, bool drill)
    {
        var html = WebMessageRenderer.Render(Message(attack, kind, drill));

        // The console's own markup: message wrapper, header, fields, checklist buttons; nothing from the attack.
        var withoutOwnMarkup = System.Text.RegularExpressions.Regex.Replace(html, "</?(div|span|dl|dt|dd|ul|li|button)( [^<>]*)?>", "");
        RendererAttackTests.AssertSafeHtml(withoutOwnMarkup);
        Assert.DoesNotContain("<a ", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SafeLinksInMessagesStayLinksOnEveryPlatform()
    {
        var message = Message("see [the dashboard](https://grafana.example/d/1)", MessageKind.Event, drill: false);

        Assert.Contains(Strings(BlockKitRenderer.Blocks(message), "text"), t => t.Contains("<https://grafana.example/d/1|the dashboard>"));
        var card = AdaptiveCardMessageRenderer.Card(message);
        Assert.Contains(Strings(card["body"]!, "text"), t => t.Contains("[the dashboard](https://grafana.example/d/1)"));
        Assert.Contains("<a href=\"https://grafana.example/d/1\">the dashboard</a>", WebMessageRenderer.Render(message));
    }

    [Fact]
    public void SlackShowsEscapedCharactersNotEntitiesTwice()
    {
        var message = Message("a & b", MessageKind.Info, drill: false) with { Blocks = [new HeaderBlock("<!channel> & co")] };

        Assert.Equal("&lt;!channel&gt; &amp; co", BlockKitRenderer.Blocks(message)[0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("&lt;!channel&gt; &amp; co", BlockKitRenderer.FallbackText(message));
    }

    private static ChatMessage Message(string attack, MessageKind kind, bool drill) => new()
    {
        Kind = kind,
        IsDrill = drill,
        IncidentNumber = 1,
        Blocks =
        [
            new HeaderBlock($"INC-1 · SEV1 · {attack}"),
            new TextBlock($"**@alice** posted an update: {attack}"),
            new FieldsBlock([new MessageField(attack, attack), new MessageField("Service", attack)]),
            new ChecklistBlock([new ChecklistItem(attack, false, "tick 1 1")]),
            new ButtonsBlock([new MessageButton("Acknowledge", "ack")]),
        ],
    };

    /// <summary>Every string under the given property name, anywhere in the JSON.</summary>
    internal static IEnumerable<string> Strings(JsonNode node, string property)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == property && value is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        yield return s;
                    }
                    else if (value is not null)
                    {
                        foreach (var inner in Strings(value, property))
                        {
                            yield return inner;
                        }
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    foreach (var inner in Strings(item, property))
                    {
                        yield return inner;
                    }
                }
                break;
        }
    }
}
