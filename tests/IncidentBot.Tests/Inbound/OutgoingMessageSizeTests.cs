using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using IncidentBot.Tests.Teams;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Inbound;

/// <summary>
/// Messages of every size, from small to far past what Slack and Teams take, go through the real senders to the
/// fakes, which refuse what the platforms refuse (<c>msg_blocks_too_long</c>, element limits, 413 over 40 KB):
/// every one is delivered, and one that was cut says so and links to the console.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class OutgoingMessageSizeTests
{
    private const string ConsoleUrl = "https://incidents.example.com/";
    private const int Messages = 40;

    [Fact]
    public async Task EveryMessageReachesSlackWithinItsLimitsAndACutOneLinksToTheConsole()
    {
        await using var slack = await SlackHarness.StartAsync(settings: new() { ["WebConsole:PublicUrl"] = ConsoleUrl });
        var (sender, channel, number) = await IncidentChannelAsync(slack.App, "slack");
        var random = new Random(20_261_205);
        var cut = 0;

        for (var i = 0; i < Messages; i++)
        {
            var message = RandomMessage(random, number, large: i % 2 == 0);

            await sender.SendAsync(channel, message, CancellationToken.None);

            var blocks = slack.Slack.MessagesIn(channel.Id)[^1].Blocks!;
            var notice = (blocks[^1]!["elements"]?[0]?["text"] as JsonValue)?.GetValue<string>() ?? "";
            if (notice.Contains("too long for Slack"))
            {
                cut++;
                Assert.Contains($"<{ConsoleUrl}#/incidents/{number}|INC-{number}>", notice);
                // Whatever was cut, the buttons are still there to act on.
                Assert.Equal(message.Blocks.OfType<ButtonsBlock>().Count(b => b.Buttons.Count > 0), blocks.Count(b => b!["type"]!.GetValue<string>() == "actions"));
            }
        }
        Assert.InRange(cut, Messages / 4, Messages / 2);
    }

    [Fact]
    public async Task EveryMessageReachesTeamsWithinItsLimitAndACutOneLinksToTheConsole()
    {
        await using var teams = await TeamsHarness.StartAsync(settings: new() { ["WebConsole:PublicUrl"] = ConsoleUrl });
        var (sender, channel, number) = await IncidentChannelAsync(teams.App, "teams");
        var random = new Random(20_261_206);
        var cut = 0;

        for (var i = 0; i < Messages; i++)
        {
            var message = RandomMessage(random, number, large: i % 2 == 0);

            await sender.SendAsync(channel, message, CancellationToken.None);

            var sent = teams.Connector.Conversations.Single(c => c.Id == channel.Id).Activities[^1].Json;
            var body = sent["attachments"]![0]!["content"]!["body"]!.AsArray();
            if (body[^1]!["text"]?.GetValue<string>() is { } last && last.Contains("too long for Teams"))
            {
                cut++;
                Assert.Contains($"[INC-{number}]({ConsoleUrl}#/incidents/{number})", last);
            }
        }
        Assert.InRange(cut, Messages / 4, Messages / 2);
    }

    /// <summary>An incident with a channel on the platform, and that platform's sender.</summary>
    private static async Task<(IChatMessageSender Sender, ChannelBinding Channel, int Number)> IncidentChannelAsync(IncidentBotApplication app, string platform)
    {
        var client = app.CreateClient();
        using var declared = await client.PostAsync("/api/incidents", new StringContent("""{"title":"Checkout is down","severity":"sev2","user":"alice"}""", Encoding.UTF8, "application/json"));
        var number = JsonNode.Parse(await declared.Content.ReadAsStringAsync())!["number"]!.GetValue<int>();
        var store = app.Services.GetRequiredService<IIncidentStore>();
        await Eventually.TrueAsync(async () => (await store.FindAsync(number))!.Channels.Any(c => c.Platform == platform), $"the {platform} channel of INC-{number}");
        var sender = app.Services.GetServices<IChatMessageSender>().Single(s => s.Platform == platform);
        return (sender, (await store.FindAsync(number))!.Channels.First(c => c.Platform == platform), number);
    }

    /// <summary>Headers, Markdown, fields, checklists and buttons of random sizes; large ones go far past every limit.</summary>
    private static ChatMessage RandomMessage(Random random, int number, bool large)
    {
        var scale = large ? 40_000 : 600;
        string Text(int max) => string.Concat(Enumerable.Range(0, random.Next(1, max)).Select(_ => random.Next(40) switch
        {
            0 => "\n",
            1 => "<&>",
            2 => "🚀",
            3 => "\"\\",
            4 => "é",
            _ => "word ",
        }));
        var blocks = new List<MessageBlock> { new HeaderBlock(Text(large ? 400 : 20)) };
        for (var i = random.Next(1, large ? 12 : 3); i > 0; i--)
        {
            blocks.Add(random.Next(4) switch
            {
                0 => new TextBlock(Text(scale / 5)),
                1 => new FieldsBlock(Enumerable.Range(0, random.Next(1, 14)).Select(_ => new MessageField(Text(40), Text(scale / 40))).ToList()),
                2 => new ChecklistBlock(Enumerable.Range(0, random.Next(1, large ? 60 : 4)).Select(j => new ChecklistItem(Text(scale / 100), j % 2 == 0, $"check {j + 1}")).ToList()),
                _ => new TextBlock(Text(scale / 20)),
            });
        }
        blocks.Add(new ButtonsBlock([new MessageButton("Acknowledge", "ack", ButtonStyle.Primary), new MessageButton("Resolve", "resolve", ButtonStyle.Danger)]));
        return new ChatMessage { Kind = MessageKind.Event, IncidentNumber = number, Blocks = blocks };
    }
}
