using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class CloudWatchNormalizerTests
{
    private const string ExampleArn = "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE";
    private const string AlarmOk = "alerts/cloudwatch/sns-http-notification-cloudwatch-alarm-ok.json";

    private readonly CloudWatchNormalizer _normalizer = new();

    /// <summary>Every published payload and what it must become: "firing|resolved identity", "none", or "refused field".</summary>
    public static TheoryData<string, string> Expected() => new()
    {
        { "alerts/cloudwatch/cloudwatch-alarm-message-alarm-multiple-metrics.json", $"firing {ExampleArn}" },
        { "alerts/cloudwatch/cloudwatch-alarm-message-alarm-single-metric.json", $"firing {ExampleArn}" },
        { "alerts/cloudwatch/lambda-sns-event-cloudwatch-alarm-multiple-metrics.json", $"firing {ExampleArn}" },
        { "alerts/cloudwatch/lambda-sns-event-cloudwatch-alarm-single-metric.json", $"firing {ExampleArn}" },
        { AlarmOk, "resolved arn:aws:cloudwatch:ap-northeast-1:257706363616:alarm:ec2CPUUtilization" },
        // A topic may carry other messages than alarms; they are refused, naming the field.
        { "alerts/cloudwatch/sns-http-notification-hello-world.json", "refused Message" },
        { "alerts/cloudwatch/sns-http-subscription-confirmation.json", "none" },
        { "alerts/cloudwatch/sns-http-unsubscribe-confirmation.json", "none" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void EveryPublishedPayloadNormalisesAsExpected(string file, string expected)
    {
        using var json = JsonDocument.Parse(Fixtures.Read(file));

        Assert.Equal(expected, NormalizerOutcome.Of(() => _normalizer.Normalize(json.RootElement)));
    }

    [Fact]
    public void TheExpectationsCoverEveryFixture() =>
        Assert.Equal(NormalizerOutcome.FixtureFiles("alerts/cloudwatch"), Expected().Select(row => (string)row[0]).Order());

    [Fact]
    public void ARecoveredAlarmCarriesItsMetricAndSnsDelivery()
    {
        var alert = Assert.Single(Normalize(Fixtures.Read(AlarmOk)));

        Assert.Equal("cloudwatch:arn:aws:cloudwatch:ap-northeast-1:257706363616:alarm:ec2CPUUtilization", alert.GroupKey);
        Assert.Equal("ec2CPUUtilization", alert.Title);
        Assert.Equal("EC2 CPUUtilization sample", alert.Description);
        Assert.Null(alert.Severity);
        Assert.Equal(DateTimeOffset.Parse("2021-06-18T07:28:21.921Z"), alert.EndsAt);
        Assert.Null(alert.StartsAt);
        Assert.Equal("AWS/EC2", alert.Labels["namespace"]);
        Assert.Equal("CPUUtilization", alert.Labels["metricName"]);
        Assert.Equal("eks-6ebcce7e-400b-8a69-f0e9-d9e14bb635d2", alert.Labels["AutoScalingGroupName"]);
        Assert.Equal("257706363616", alert.Labels["awsAccountId"]);
        Assert.Equal("20a65051-dd7d-5952-906e-09179028dc41", alert.Annotations["snsMessageId"]);
        Assert.Equal("ALARM", alert.Annotations["oldStateValue"]);
        Assert.Contains("\"Signature\"", alert.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void AMetricMathAlarmTakesItsLabelsFromTheMetricStat()
    {
        var alert = Assert.Single(Normalize(Fixtures.Read("alerts/cloudwatch/lambda-sns-event-cloudwatch-alarm-multiple-metrics.json")));

        Assert.Equal("NetworkOut", alert.Labels["metricName"]);
        Assert.Equal("TestInstance", alert.Labels["InstanceId"]);
        Assert.Equal(DateTimeOffset.Parse("2015-06-03T17:43:27.123Z"), alert.StartsAt);
    }

    [Fact]
    public void InsufficientDataFiresAsAWarning()
    {
        var alert = Assert.Single(Normalize(WithAlarm(alarm => alarm["NewStateValue"] = "INSUFFICIENT_DATA")));

        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("warning", alert.Severity);
    }

    [Fact]
    public void WithoutAnArnTheAlarmIsIdentifiedByAccountRegionAndName()
    {
        var alert = Assert.Single(Normalize(WithAlarm(alarm => alarm.Remove("AlarmArn"))));

        Assert.Equal("257706363616/Asia Pacific (Tokyo)/ec2CPUUtilization", alert.Fingerprint);
    }

    [Theory]
    [InlineData("NewStateValue", "PENDING", "Message.NewStateValue")]
    [InlineData("AlarmName", null, "Message.AlarmName")]
    public void AnAlarmWithABadFieldIsRefusedNamingIt(string field, string? value, string expectedField)
    {
        var body = WithAlarm(alarm => alarm[field] = value);

        Assert.Equal($"refused {expectedField}", NormalizerOutcome.Of(() => Normalize(body)));
    }

    [Fact]
    public void ALambdaRecordIsNamedByItsPath()
    {
        var body = Fixtures.Read("alerts/cloudwatch/lambda-sns-event-cloudwatch-alarm-single-metric.json").Replace("\"ALARM\\\"", "\"BROKEN\\\"", StringComparison.Ordinal);

        Assert.Equal("refused Records[0].Sns.Message.NewStateValue", NormalizerOutcome.Of(() => Normalize(body)));
    }

    [Fact]
    public void AnUnknownMessageTypeIsRefused() =>
        Assert.Equal("refused Type", NormalizerOutcome.Of(() => Normalize("""{"Type":"Surprise","Message":"x"}""")));

    private IReadOnlyList<Alert> Normalize(string body) => _normalizer.NormalizeJson(body);

    /// <summary>The OK-alarm envelope with its Message edited.</summary>
    private static string WithAlarm(Action<JsonObject> edit)
    {
        var envelope = JsonNode.Parse(Fixtures.Read(AlarmOk))!.AsObject();
        var alarm = JsonNode.Parse((string)envelope["Message"]!)!.AsObject();
        edit(alarm);
        envelope["Message"] = alarm.ToJsonString();
        return envelope.ToJsonString();
    }
}
