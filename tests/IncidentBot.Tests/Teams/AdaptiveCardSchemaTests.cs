extern alias JsonSchemaNet;

using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Teams.Messages;
using IncidentBot.Tests.Infrastructure;
using JsonSchemaNet::Json.Schema;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// Every card the bot sends to Teams is valid Adaptive Cards 1.5 by the publisher's own schema
/// (../shared/specs/adaptive-card-1.5.schema.json), once each Teams-only element is replaced by the fallback it must
/// carry; every Action.Execute falls back to an Action.Submit of the same command; no card or action row holds more
/// than six actions; and every command the message offers is still reachable.
/// </summary>
public sealed class AdaptiveCardSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(Fixtures.Root, "..", "specs", "adaptive-card-1.5.schema.json")),
        new BuildOptions { Dialect = Dialect.Draft06 }));

    /// <summary>Element types only Teams renders (not in the 1.5 schema): each needs a fallback.</summary>
    private static readonly HashSet<string> TeamsOnly = ["CodeBlock"];

    public static TheoryData<int, int, bool> Shapes()
    {
        var shapes = new TheoryData<int, int, bool>();
        foreach (var buttons in new[] { 0, 1, 3, 5, 6, 7, 9 })
        {
            foreach (var items in new[] { 0, 1, 3, 6, 8, 13 })
            {
                shapes.Add(buttons, items, buttons % 2 == 0);
            }
        }
        return shapes;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CardsOfEveryShapeAreValidAndKeepEveryCommandWithinSixActionsARow(int buttons, int items, bool drill)
    {
        var message = new ChatMessage
        {
            Kind = MessageKind.RunbookStep,
            IncidentNumber = 7,
            IsDrill = drill,
            Blocks =
            [
                new HeaderBlock("Step 2 of 5: fail over the database"),
                new TextBlock("Run this:\n\n```bash\nkubectl -n db exec pg-0 -- patronictl failover --force\n```\n\nthen check `SELECT 1`:\n\n    psql -c 'select 1'\n"),
                new FieldsBlock([new MessageField("Commander", "@alice"), new MessageField("Severity", "SEV1")]),
                new ChecklistBlock(Enumerable.Range(1, items).Select(i => new ChecklistItem($"Item {i}", i % 3 == 0, $"check {i}")).ToList()),
                new ButtonsBlock(Enumerable.Range(1, buttons).Select(i => new MessageButton($"Button {i}", $"command {i}", i == 1 ? ButtonStyle.Primary : ButtonStyle.Default)).ToList()),
            ],
        };

        var card = AdaptiveCardMessageRenderer.Card(message);

        AssertValid(card);
        var top = card["actions"]?.AsArray() ?? [];
        Assert.True(top.Count <= AdaptiveCardMessageRenderer.MaxTopLevelActions, $"{top.Count} top-level actions");
        // The step's own buttons come first and stay in view (five of them beside one "show more" action at most).
        var visible = top.Where(a => a!["type"]!.GetValue<string>() == "Action.Execute").Select(a => a!["data"]!["command"]!.GetValue<string>()).ToList();
        var buttonsInView = buttons + items <= AdaptiveCardMessageRenderer.MaxTopLevelActions ? buttons : Math.Min(buttons, AdaptiveCardMessageRenderer.MaxTopLevelActions - 1);
        Assert.Equal(Enumerable.Range(1, buttonsInView).Select(i => $"command {i}"), visible.Take(buttonsInView));
        var offered = Enumerable.Range(1, buttons).Select(i => $"command {i}").Concat(Enumerable.Range(1, items).Select(i => $"check {i}")).Order();
        Assert.Equal(offered, Executes(card).Select(a => a["data"]!["command"]!.GetValue<string>()).Order());
    }

    [Fact]
    public void EveryExecuteFallsBackToASubmitOfTheSameCommand()
    {
        var message = new ChatMessage
        {
            Blocks = [new ChecklistBlock([new ChecklistItem("a", false, "check 1")]), new ButtonsBlock([new MessageButton("Done", "done", ButtonStyle.Primary)])],
        };

        var executes = Executes(AdaptiveCardMessageRenderer.Card(message)).ToList();

        Assert.Equal(2, executes.Count);
        foreach (var execute in executes)
        {
            var fallback = execute["fallback"]!.AsObject();
            Assert.Equal("Action.Submit", fallback["type"]!.GetValue<string>());
            Assert.Equal(execute["title"]!.GetValue<string>(), fallback["title"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(execute["data"], fallback["data"]), $"{execute} falls back to different data");
        }
    }

    [Theory]
    [InlineData("```bash\necho hi\n```")]
    [InlineData("```\n<b>not markup</b> [x](javascript:alert(1))\n```")]
    [InlineData("    indented code\n    second line")]
    [InlineData("```sql\nSELECT * FROM incidents WHERE number = 1;\n```")]
    public void CodeFallsBackToMonospaceTextWithTheSameCode(string markdown)
    {
        var card = AdaptiveCardMessageRenderer.Card(new ChatMessage { Blocks = [new TextBlock(markdown)] });

        var code = Assert.Single(Elements(card["body"]!), e => e["type"]?.GetValue<string>() == "CodeBlock");
        var fallback = code["fallback"]!.AsObject();
        Assert.Equal("TextBlock", fallback["type"]!.GetValue<string>());
        Assert.Equal("Monospace", fallback["fontType"]!.GetValue<string>());
        Assert.DoesNotContain("<b>", fallback["text"]!.GetValue<string>());
        AssertValid(card);
    }

    [Fact]
    public void TheRealRunbookStepCardsAreValid()
    {
        // Every shipped runbook's first step as the bot renders it (code, checklists, links, its buttons).
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "runbooks"), "*.md"))
        {
            var card = AdaptiveCardMessageRenderer.Card(new ChatMessage { Blocks = [new TextBlock(File.ReadAllText(file))], IncidentNumber = 1 });
            AssertValid(card, Path.GetFileName(file));
        }
    }

    [Theory]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"a","size":"Enormous"}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Blink","text":"a"}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","actions":[{"type":"Action.Submit","title":"x","style":"loud"}]}""")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"FactSet"}]}""")]
    public void TheSchemaRefusesWhatTeamsWouldNotRender(string card)
    {
        // A guard on the guard: the validator really reads the published schema.
        using var document = JsonDocument.Parse(card);
        Assert.False(Schema.Value.Evaluate(document.RootElement).IsValid, card);
    }

    internal static void AssertValid(JsonObject card, string? what = null)
    {
        var plain = WithFallbacks(card.DeepClone());
        // Teams' own card property (where mentions live) is no part of the Adaptive Cards schema; checked on its own.
        if (plain is JsonObject root && root["msteams"] is JsonObject teams)
        {
            Assert.All(teams.Select(p => p.Key), key => Assert.Equal("entities", key));
            foreach (var entity in teams["entities"]!.AsArray())
            {
                Assert.Equal("mention", entity!["type"]!.GetValue<string>());
                var tag = entity["text"]!.GetValue<string>();
                Assert.Contains(Elements(root["body"]!).Where(e => e["type"]?.GetValue<string>() == "TextBlock"), e => e["text"]!.GetValue<string>().Contains(tag, StringComparison.Ordinal));
                Assert.False(string.IsNullOrEmpty(entity["mentioned"]!["id"]!.GetValue<string>()));
            }
            root.Remove("msteams");
        }
        using var document = JsonDocument.Parse(plain.ToJsonString());
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(10);
        Assert.True(result.IsValid, $"{what ?? "card"} is not valid Adaptive Cards 1.5:\n{string.Join("\n", errors)}\n{plain}");
        foreach (var set in Elements(plain).Where(e => e["type"]?.GetValue<string>() == "ActionSet"))
        {
            Assert.True(set["actions"]!.AsArray().Count <= AdaptiveCardMessageRenderer.MaxTopLevelActions, $"an ActionSet with {set["actions"]!.AsArray().Count} actions");
        }
    }

    /// <summary>The card as a host without Teams' own elements sees it: each replaced by its fallback, which must exist.</summary>
    private static JsonNode WithFallbacks(JsonNode node)
    {
        switch (node)
        {
            case JsonObject element when element["type"]?.GetValue<string>() is { } type && TeamsOnly.Contains(type):
                var fallback = element["fallback"] ?? throw new Xunit.Sdk.XunitException($"a {type} without a fallback: {element}");
                return WithFallbacks(fallback.DeepClone());
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is { } child)
                    {
                        obj[key] = WithFallbacks(child.DeepClone());
                    }
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        array[i] = WithFallbacks(item.DeepClone());
                    }
                }
                return array;
            default:
                return node;
        }
    }

    private static IEnumerable<JsonObject> Elements(JsonNode node) => node switch
    {
        JsonObject obj => new[] { obj }.Concat(obj.SelectMany(p => p.Value is null ? [] : Elements(p.Value))),
        JsonArray array => array.SelectMany(i => i is null ? [] : Elements(i)),
        _ => [],
    };

    private static IEnumerable<JsonObject> Executes(JsonNode card) => Elements(card).Where(e => e["type"]?.GetValue<string>() == "Action.Execute");
}
