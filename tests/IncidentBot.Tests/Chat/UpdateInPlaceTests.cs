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

namespace IncidentBot.Tests.Chat;

/// <summary>
/// A message with an update key is edited in place on Slack and Teams, its message id remembered as a typed
/// reference. A key too long to remember never fails a delivery that already posted (the outbox would post it
/// again): each such message is posted anew instead.
/// </summary>
public sealed class UpdateInPlaceTests
{
    public static TheoryData<int, bool> KeyLengths => new()
    {
        { 1, true },
        { 40, true },
        { 150, true },
        { PlatformReference.MaxKeyLength, false },
        { 5_000, false },
    };

    [Theory]
    [MemberData(nameof(KeyLengths))]
    public async Task SlackEditsAMessageInPlaceWhenItsKeyCanBeRememberedAndPostsAnewOtherwise(int keyLength, bool inPlace)
    {
        await using var slack = await SlackHarness.StartAsync();
        var (sender, channel, number) = await IncidentChannelAsync(slack.App, "slack");

        await sender.SendAsync(channel, Step(number, keyLength, "step 1 of 3"), CancellationToken.None);
        await sender.SendAsync(channel, Step(number, keyLength, "step 2 of 3"), CancellationToken.None);

        var steps = slack.Slack.MessagesIn(channel.Id).Where(m => m.Text?.Contains(" of 3") == true).ToList();
        Assert.Equal(inPlace ? 1 : 2, steps.Count);
        Assert.Contains("step 2 of 3", steps[^1].Text);
    }

    [Theory]
    [MemberData(nameof(KeyLengths))]
    public async Task TeamsReplacesACardInPlaceWhenItsKeyCanBeRememberedAndPostsAnewOtherwise(int keyLength, bool inPlace)
    {
        await using var teams = await TeamsHarness.StartAsync();
        var (sender, channel, number) = await IncidentChannelAsync(teams.App, "teams");

        await sender.SendAsync(channel, Step(number, keyLength, "step 1 of 3"), CancellationToken.None);
        await sender.SendAsync(channel, Step(number, keyLength, "step 2 of 3"), CancellationToken.None);

        var steps = teams.Connector.Conversations.Single(c => c.Id == channel.Id).Activities.Where(a => a.Json.ToJsonString().Contains(" of 3")).ToList();
        Assert.Equal(inPlace ? 1 : 2, steps.Count);
        Assert.Contains("step 2 of 3", steps[^1].Json.ToJsonString());
    }

    private static ChatMessage Step(int number, int keyLength, string text) => new()
    {
        Kind = MessageKind.Event,
        IncidentNumber = number,
        UpdateKey = new string('k', keyLength),
        Blocks = [new TextBlock(text)],
    };

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
}
