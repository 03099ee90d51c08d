using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IncidentBot.Alerts.Sources;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class SnsSignatureVerifierTests : IDisposable
{
    private const string AlarmOk = "alerts/cloudwatch/sns-http-notification-cloudwatch-alarm-ok.json";
    private const string AlarmTopic = "arn:aws:sns:ap-northeast-1:257706363616:aws-sns-topic";

    private readonly SnsTestKit _kit = new();

    public SnsSignatureVerifierTests() => _kit.Options.TopicArns.Add(AlarmTopic);

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task ANotificationSignedWithEitherVersionVerifies(string version)
    {
        var envelope = _kit.Signed(AlarmOk, version);

        Assert.Null(await _kit.Verifier().VerifyAsync(SnsTestKit.Request(envelope), signingSecret: null, CancellationToken.None));
        Assert.Equal(1, _kit.Handler.CallsTo(SnsTestKit.CertificateUrl));
    }

    [Fact]
    public async Task ATamperedMessageIsRefused()
    {
        var envelope = _kit.Signed(AlarmOk);
        envelope["Message"] = ((string)envelope["Message"]!).Replace("\"OK\"", "\"ALARM\"", StringComparison.Ordinal);

        Assert.Equal("signature does not match", await Verify(envelope));
    }

    [Fact]
    public async Task ASignatureByAnotherKeyIsRefused()
    {
        using var otherKey = RSA.Create(2048);

        Assert.Equal("signature does not match", await Verify(_kit.Signed(AlarmOk, "2", otherKey)));
    }

    [Theory]
    [InlineData("https://evil.example.com/SimpleNotificationService-x.pem")]
    [InlineData("https://sns.us-west-2.amazonaws.com.evil.example/SimpleNotificationService-x.pem")]
    [InlineData("https://sns.us-west-2.amazonaws.com@evil.example/SimpleNotificationService-x.pem")]
    [InlineData("http://sns.us-west-2.amazonaws.com/SimpleNotificationService-test.pem")]
    [InlineData("not a url")]
    public async Task ACertificateFromAnotherHostIsRefusedWithoutFetchingIt(string url)
    {
        var envelope = _kit.Signed(AlarmOk);
        envelope["SigningCertURL"] = url;

        Assert.Equal("certificate host not allowed", await Verify(envelope));
        Assert.Empty(_kit.Handler.Requests);
    }

    [Fact]
    public async Task ATopicNotConfiguredIsRefusedWithoutFetching()
    {
        var envelope = _kit.Signed(AlarmOk);
        envelope["TopicArn"] = "arn:aws:sns:ap-northeast-1:999999999999:someone-else";

        Assert.Equal("topic not allowed", await Verify(_kit.Sign(envelope)));
        Assert.Empty(_kit.Handler.Requests);
    }

    [Fact]
    public async Task TheCertificateIsFetchedOncePerUrl()
    {
        var verifier = _kit.Verifier();
        foreach (var version in new[] { "1", "2", "1" })
        {
            Assert.Null(await verifier.VerifyAsync(SnsTestKit.Request(_kit.Signed(AlarmOk, version)), null, CancellationToken.None));
        }

        Assert.Equal(1, _kit.Handler.CallsTo(SnsTestKit.CertificateUrl));
    }

    [Fact]
    public async Task AnUnfetchableCertificateIsRefusedAndNotCached()
    {
        var envelope = _kit.Signed(AlarmOk);
        envelope["SigningCertURL"] = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-missing.pem";
        var verifier = _kit.Verifier();

        Assert.Equal("signing certificate could not be fetched", await verifier.VerifyAsync(SnsTestKit.Request(_kit.Sign(envelope)), null, CancellationToken.None));
        Assert.Equal("signing certificate could not be fetched", await verifier.VerifyAsync(SnsTestKit.Request(envelope), null, CancellationToken.None));
        Assert.Equal(2, _kit.Handler.Requests.Count);
    }

    [Theory]
    [InlineData("3", "unsupported SignatureVersion")]
    [InlineData(null, "unsupported SignatureVersion")]
    public async Task OnlyVersionsOneAndTwoAreAccepted(string? version, string expected)
    {
        var envelope = _kit.Signed(AlarmOk);
        envelope["SignatureVersion"] = version;

        Assert.Equal(expected, await Verify(envelope));
    }

    [Fact]
    public async Task ASignedSubscriptionConfirmationVerifies()
    {
        _kit.Options.TopicArns.Add("arn:aws:sns:us-west-2:123456789012:MyTopic");

        Assert.Null(await Verify(_kit.Signed("alerts/cloudwatch/sns-http-subscription-confirmation.json", "2")));
    }

    [Fact]
    public async Task PlainHttpIsAllowedOnlyWhenHttpsIsNotRequired()
    {
        const string loopback = "http://127.0.0.1:5080/cert.pem";
        _kit.Options.CertificateHostPattern = @"^127\.0\.0\.1$";
        _kit.Handler.Serve(loopback, _kit.CertificatePem);
        var envelope = _kit.Signed(AlarmOk);
        envelope["SigningCertURL"] = loopback;

        Assert.Equal("certificate host not allowed", await Verify(envelope));
        _kit.Options.RequireHttpsCertificates = false;
        Assert.Null(await Verify(envelope));
    }

    public void Dispose() => _kit.Dispose();

    private Task<string?> Verify(JsonNode body) => _kit.Verifier().VerifyAsync(SnsTestKit.Request(body), null, CancellationToken.None);
}
