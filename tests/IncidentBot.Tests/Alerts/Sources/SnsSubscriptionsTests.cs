using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Alerts.Sources;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class SnsSubscriptionsTests : IDisposable
{
    private const string Confirmation = "alerts/cloudwatch/sns-http-subscription-confirmation.json";
    private const string Topic = "arn:aws:sns:us-west-2:123456789012:MyTopic";

    private readonly SnsTestKit _kit = new();
    private readonly string _subscribeUrl;

    public SnsSubscriptionsTests()
    {
        _subscribeUrl = (string)_kit.Signed(Confirmation)["SubscribeURL"]!;
        _kit.Handler.Serve(_subscribeUrl, "<ConfirmSubscriptionResponse/>");
    }

    [Fact]
    public async Task AVerifiedConfirmationOfAnAllowedTopicFetchesTheSubscribeUrlOnce()
    {
        _kit.Options.TopicArns.Add(Topic);

        var result = await Confirm(_kit.Signed(Confirmation));

        Assert.Contains(Topic, result, StringComparison.Ordinal);
        Assert.Equal(1, _kit.Handler.CallsTo(_subscribeUrl));
    }

    [Fact]
    public async Task ATopicNotConfiguredIsNotConfirmed()
    {
        var refused = await Assert.ThrowsAsync<SnsRefusedException>(() => Confirm(_kit.Signed(Confirmation)));

        Assert.Equal("topic not allowed", refused.Message);
        Assert.Empty(_kit.Handler.Requests);
    }

    [Fact]
    public async Task AConfirmationThatDoesNotVerifyIsNotConfirmed()
    {
        _kit.Options.TopicArns.Add(Topic);
        var envelope = _kit.Signed(Confirmation);
        envelope["Token"] = "forged";

        await Assert.ThrowsAsync<SnsRefusedException>(() => Confirm(envelope));
        Assert.Equal(0, _kit.Handler.CallsTo(_subscribeUrl));
    }

    [Fact]
    public async Task ASubscribeUrlOnAnotherHostIsNotVisitedEvenWhenSigned()
    {
        _kit.Options.TopicArns.Add(Topic);
        var envelope = _kit.Signed(Confirmation);
        envelope["SubscribeURL"] = "https://evil.example.com/?Action=ConfirmSubscription";

        var refused = await Assert.ThrowsAsync<SnsRefusedException>(() => Confirm(_kit.Sign(envelope)));

        Assert.Equal("SubscribeURL host not allowed", refused.Message);
        Assert.DoesNotContain(_kit.Handler.Requests, r => r.Host == "evil.example.com");
    }

    [Theory]
    [InlineData("alerts/cloudwatch/sns-http-unsubscribe-confirmation.json")]
    [InlineData("alerts/cloudwatch/sns-http-notification-hello-world.json")]
    public async Task OnlySubscriptionConfirmationsAreConfirmed(string fixture)
    {
        _kit.Options.TopicArns.Add(Topic);

        await Assert.ThrowsAsync<SnsRefusedException>(() => Confirm(_kit.Signed(fixture)));
        Assert.Empty(_kit.Handler.Requests);
    }

    public void Dispose() => _kit.Dispose();

    private async Task<string> Confirm(JsonObject envelope)
    {
        using var json = JsonDocument.Parse(envelope.ToJsonString());
        return await _kit.Subscriptions().ConfirmAsync(json.RootElement, CancellationToken.None);
    }
}
