using System.Text;
using System.Text.Json;
using IncidentBot.Slack;
using IncidentBot.Slack.Inbound;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Slack;

/// <summary>Slack request signing, checked against the example in Slack's own documentation.</summary>
public sealed class SlackSignatureVerifierTests
{
    private static readonly JsonElement Example = JsonDocument.Parse(Fixtures.Read("slack/request-signing-example.json")).RootElement;
    private static readonly string Secret = Example.GetProperty("signing_secret").GetString()!;
    private static readonly string Timestamp = Example.GetProperty("x_slack_request_timestamp").GetString()!;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(Example.GetProperty("body").GetString()!);
    private static readonly string Signature = Example.GetProperty("expected_x_slack_signature").GetString()!;

    [Fact]
    public void DocumentedExampleVerifies()
    {
        Assert.Equal(Signature, SlackSignatureVerifier.Sign(Secret, Timestamp, Body));
        Assert.Equal(SlackSignatureCheck.Valid, Verifier(at: 1531420618 + 30).Verify(Timestamp, Signature, Body));
    }

    [Fact]
    public void TheSharedSlashCommandBodyIsTheSignedBody()
    {
        Assert.Equal(Body, Fixtures.ReadBytes("slack/slash-command-body.txt"));
    }

    [Fact]
    public void TamperedBodyIsRefused()
    {
        var tampered = Encoding.UTF8.GetBytes(Example.GetProperty("body").GetString()!.Replace("roadrunner", "wile_e_coyote"));
        Assert.Equal(SlackSignatureCheck.Mismatch, Verifier(at: 1531420618).Verify(Timestamp, Signature, tampered));
    }

    [Fact]
    public void WrongSecretIsRefused()
    {
        Assert.Equal(SlackSignatureCheck.Mismatch, Verifier(at: 1531420618, secret: "not-the-secret").Verify(Timestamp, Signature, Body));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(86_400)]
    public void TimestampOutsideFiveMinutesIsRefusedAsAReplay(int secondsAway)
    {
        Assert.Equal(SlackSignatureCheck.Stale, Verifier(at: 1531420618 + secondsAway).Verify(Timestamp, Signature, Body));
    }

    [Theory]
    [InlineData(null, "v0=abc")]
    [InlineData("1531420618", null)]
    [InlineData("", "")]
    [InlineData("yesterday", "v0=abc")]
    public void MissingHeadersAreRefused(string? timestamp, string? signature)
    {
        Assert.Equal(SlackSignatureCheck.MissingHeaders, Verifier(at: 1531420618).Verify(timestamp, signature, Body));
    }

    [Fact]
    public void WithoutASigningSecretNothingVerifies()
    {
        Assert.Equal(SlackSignatureCheck.NotConfigured, Verifier(at: 1531420618, secret: "").Verify(Timestamp, Signature, Body));
    }

    private static SlackSignatureVerifier Verifier(long at, string? secret = null) =>
        new(Options.Create(new SlackOptions { SigningSecret = secret ?? Secret }), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(at)));
}
