using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Webhooks;

/// <summary>CloudWatch alarms through SNS over real HTTP: signed notifications, the subscription handshake, forgeries.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class CloudWatchSnsTests : IDisposable
{
    private const string AlarmTopic = "arn:aws:sns:ap-northeast-1:257706363616:aws-sns-topic";
    private const string ConfirmTopic = "arn:aws:sns:us-west-2:123456789012:MyTopic";
    private readonly SnsTestKit _kit = new();

    [Fact]
    public async Task SignedAlarmOpensAnIncidentAndItsOkResolvesTheAlert()
    {
        await using var app = Start(AlarmTopic);

        var alarm = await PostAsync(app, Notification("ALARM"));
        await app.WaitForProcessingAsync();
        var ok = await PostAsync(app, Notification("OK"));
        await app.WaitForProcessingAsync();

        Assert.Equal(HttpStatusCode.Accepted, alarm.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("cloudwatch", Assert.Single(incident.Alerts!).Source);
        Assert.Equal(0, incident.FiringAlertCount);
        Assert.Contains(incident.Timeline!, t => t.Kind == "all-alerts-resolved");
    }

    [Fact]
    public async Task ForgedOrForeignMessagesAreRefusedAndStoreNothing()
    {
        await using var app = Start(AlarmTopic);
        using var otherKey = RSA.Create(2048);

        var forged = await PostAsync(app, Notification("ALARM", otherKey));
        var foreignCertificate = Notification("ALARM");
        foreignCertificate["SigningCertURL"] = "https://sns.us-west-2.amazonaws.com.evil.example/cert.pem";
        var wrongHost = await PostAsync(app, _kit.Sign(foreignCertificate));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongHost.StatusCode);
        Assert.Contains("certificate host not allowed", await wrongHost.Content.ReadAsStringAsync());
        Assert.Equal(0, _kit.Handler.CallsTo("https://sns.us-west-2.amazonaws.com.evil.example/cert.pem"));
        await Task.Delay(100);
        Assert.Equal(0, await app.Inbox.PendingCountAsync());
        Assert.Empty(await app.ListIncidentsAsync());
    }

    [Fact]
    public async Task SubscriptionIsConfirmedOnlyForAConfiguredTopic()
    {
        var confirmation = _kit.Signed("alerts/cloudwatch/sns-http-subscription-confirmation.json");
        var subscribeUrl = confirmation["SubscribeURL"]!.GetValue<string>();
        _kit.Handler.Serve(subscribeUrl, "<ConfirmSubscriptionResponse/>");

        await using (var unconfigured = Start(AlarmTopic))
        {
            var refused = await PostAsync(unconfigured, confirmation);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(0, _kit.Handler.CallsTo(subscribeUrl));
        }

        await using var configured = Start(ConfirmTopic);
        var confirmed = await PostAsync(configured, confirmation);

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("Confirmed the subscription", await confirmed.Content.ReadAsStringAsync());
        Assert.Equal(1, _kit.Handler.CallsTo(subscribeUrl));
    }

    public void Dispose() => _kit.Dispose();

    private JsonObject Notification(string state, RSA? key = null)
    {
        var envelope = JsonNode.Parse(Fixtures.Read("alerts/cloudwatch/sns-http-notification-cloudwatch-alarm-ok.json"))!.AsObject();
        var message = JsonNode.Parse(envelope["Message"]!.GetValue<string>())!.AsObject();
        message["NewStateValue"] = state;
        message["OldStateValue"] = state == "OK" ? "ALARM" : "OK";
        envelope["Message"] = message.ToJsonString();
        envelope["MessageId"] = Guid.NewGuid().ToString();
        envelope["SigningCertURL"] = SnsTestKit.CertificateUrl;
        return _kit.Sign(envelope, "2", key);
    }

    private IncidentBotApplication Start(string topic) => new(
        new() { ["Webhooks:Sources:cloudwatch:TopicArns:0"] = topic },
        services => services.AddKeyedSingleton("sns", (_, _) => new HttpClient(_kit.Handler, disposeHandler: false)));

    private static Task<HttpResponseMessage> PostAsync(IncidentBotApplication app, JsonObject envelope) =>
        app.PostRawAsync("/webhooks/cloudwatch", envelope.ToJsonString(), remoteIp: "54.240.197.1");
}
