using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

/// <summary>The shapes a signed body arrives in: text/plain HTTP deliveries, Lambda events, and bodies built to mislead.</summary>
public sealed class SnsDeliveryShapeTests : IDisposable
{
    private const string AlarmOk = "alerts/cloudwatch/sns-http-notification-cloudwatch-alarm-ok.json";

    private readonly SnsTestKit _kit = new();

    public SnsDeliveryShapeTests() => _kit.Options.TopicArns.Add("arn:aws:sns:ap-northeast-1:257706363616:aws-sns-topic");

    [Fact]
    public async Task ATextPlainDeliveryWithThePublishedHeadersVerifies()
    {
        _kit.Options.TopicArns.Add("arn:aws:sns:us-west-2:123456789012:MyTopic");
        var headers = Fixtures.Read("alerts/cloudwatch/sns-http-notification-hello-world.headers.txt")
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line => line.Split(':', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        var body = Encoding.UTF8.GetBytes(_kit.Signed("alerts/cloudwatch/sns-http-notification-hello-world.json").ToJsonString());

        Assert.StartsWith("text/plain", headers["content-type"], StringComparison.Ordinal);
        Assert.Null(await _kit.Verifier().VerifyAsync(new WebhookRequest(headers, body, DateTimeOffset.UtcNow), null, CancellationToken.None));
    }

    [Fact]
    public async Task AFieldGivenTwiceIsRefused()
    {
        // The parser keeps the last of two names, so a forged Message after the signed one would be the one read.
        var json = _kit.Signed(AlarmOk).ToJsonString();
        var doubled = json[..^1] + ",\"Message\":\"{\\\"AlarmName\\\":\\\"forged\\\"}\"}";
        var request = new WebhookRequest(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(doubled), DateTimeOffset.UtcNow);

        var refusal = await _kit.Verifier().VerifyAsync(request, null, CancellationToken.None);

        Assert.StartsWith("body is not an SNS message (", refusal);
        Assert.Contains("'Message'", refusal);
    }

    [Fact]
    public async Task EveryRecordOfALambdaEventIsVerified()
    {
        var record = _kit.Signed(AlarmOk);
        record.Remove("SigningCertURL");
        record["SigningCertUrl"] = SnsTestKit.CertificateUrl;
        var tampered = (JsonObject)record.DeepClone();
        tampered["Subject"] = "ALARM: forged";
        JsonNode Event(params JsonObject[] records) => new JsonObject { ["Records"] = new JsonArray([.. records.Select(r => new JsonObject { ["Sns"] = r.DeepClone() })]) };

        Assert.Null(await Verify(Event(record)));
        Assert.Equal("signature does not match", await Verify(Event(record, tampered)));
        Assert.NotNull(await Verify(Event()));
    }

    public void Dispose() => _kit.Dispose();

    private Task<string?> Verify(JsonNode body) => _kit.Verifier().VerifyAsync(SnsTestKit.Request(body), null, CancellationToken.None);
}
