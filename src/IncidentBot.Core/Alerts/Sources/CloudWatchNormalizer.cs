using System.Text.Json;
using IncidentBot.Inbound;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Amazon CloudWatch alarms delivered by SNS: the SNS HTTP envelope (a <c>Notification</c> whose <c>Message</c> string
/// holds the alarm JSON), a Lambda-shaped SNS event (<c>Records[].Sns</c>), or the bare alarm. Subscription and
/// unsubscribe confirmations carry no alert (see <see cref="SnsSubscriptions"/>). The alarm is identified by
/// <c>AlarmArn</c>, else <c>AWSAccountId/Region/AlarmName</c>. <c>NewStateValue</c> <c>OK</c> resolves, <c>ALARM</c> fires,
/// and <c>INSUFFICIENT_DATA</c> fires with severity <c>warning</c>: a metric that stops reporting may be the outage.
/// </summary>
public sealed class CloudWatchNormalizer : IAlertNormalizer
{
    public string Source => "cloudwatch";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        RequireObject(body, "$");
        if (SnsEnvelope.IsLambdaEvent(body))
        {
            return SnsEnvelope.All(body).SelectMany((envelope, i) => FromEnvelope(envelope, $"Records[{i}].Sns")).ToList();
        }
        if (body.TryGetProperty("Type", out _))
        {
            return FromEnvelope(body, "$");
        }
        if (body.TryGetProperty("AlarmName", out _))
        {
            return [FromAlarm(body, "$", envelope: null)];
        }
        throw new AlertPayloadException("$", "Expected an SNS message ('Type'), a Lambda SNS event ('Records') or a CloudWatch alarm ('AlarmName').");
    }

    private List<Alert> FromEnvelope(JsonElement envelope, string path)
    {
        RequireObject(envelope, path);
        string Field(string name) => path == "$" ? name : $"{path}.{name}";
        return RequireString(envelope, "Type", Field("Type")) switch
        {
            SnsEnvelope.SubscriptionConfirmation or SnsEnvelope.UnsubscribeConfirmation => [],
            SnsEnvelope.Notification => [FromNotification(envelope, Field("Message"))],
            var other => throw new AlertPayloadException(Field("Type"), $"'{Field("Type")}' must be an SNS message type, not '{other}'."),
        };
    }

    private Alert FromNotification(JsonElement envelope, string path)
    {
        using var alarm = ParseAlarm(RequireString(envelope, "Message", path), path);
        return FromAlarm(alarm.RootElement, path, envelope);
    }

    private static JsonDocument ParseAlarm(string message, string path)
    {
        try
        {
            var alarm = StrictJson.Parse(message);
            if (alarm.RootElement.ValueKind == JsonValueKind.Object && alarm.RootElement.TryGetProperty("AlarmName", out _))
            {
                return alarm;
            }
            alarm.Dispose();
        }
        catch (JsonException ex)
        {
            throw new AlertPayloadException(path, $"'{path}' must be a CloudWatch alarm in JSON (with 'AlarmName'): {ex.Message}");
        }
        throw new AlertPayloadException(path, $"'{path}' must be a CloudWatch alarm in JSON (with 'AlarmName').");
    }

    private Alert FromAlarm(JsonElement alarm, string path, JsonElement? envelope)
    {
        var name = RequireString(alarm, "AlarmName", $"{path}.AlarmName");
        var account = OptionalString(alarm, "AWSAccountId", $"{path}.AWSAccountId");
        var region = OptionalString(alarm, "Region", $"{path}.Region");
        var identity = OptionalString(alarm, "AlarmArn", $"{path}.AlarmArn") ?? $"{account}/{region}/{name}";
        var state = RequireString(alarm, "NewStateValue", $"{path}.NewStateValue");
        var (status, severity) = state switch
        {
            "ALARM" => (AlertStatus.Firing, (string?)null),
            "INSUFFICIENT_DATA" => (AlertStatus.Firing, "warning"),
            "OK" => (AlertStatus.Resolved, null),
            _ => throw new AlertPayloadException($"{path}.NewStateValue", $"'{path}.NewStateValue' must be ALARM, OK or INSUFFICIENT_DATA, not '{state}'."),
        };
        var changedAt = OptionalTime(alarm, "StateChangeTime", $"{path}.StateChangeTime");
        var reason = OptionalString(alarm, "NewStateReason", $"{path}.NewStateReason");

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        AddIfSet(labels, "awsAccountId", account);
        AddIfSet(labels, "region", region);
        var trigger = Child(alarm, "Trigger");
        AddMetric(labels, trigger);
        // Metric-math alarms name their metrics in Trigger.Metrics[].MetricStat.Metric instead.
        if (Child(trigger, "Metrics") is { ValueKind: JsonValueKind.Array } metrics)
        {
            foreach (var metric in metrics.EnumerateArray())
            {
                AddMetric(labels, Child(Child(metric, "MetricStat"), "Metric"));
            }
        }
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["newStateValue"] = state };
        AddIfSet(annotations, "oldStateValue", OptionalString(alarm, "OldStateValue", $"{path}.OldStateValue"));
        AddIfSet(annotations, "newStateReason", reason);
        if (envelope is { } sns)
        {
            // SNS reuses MessageId when it retries a delivery.
            AddIfSet(annotations, "snsMessageId", SnsEnvelope.Field(sns, "MessageId"));
            AddIfSet(annotations, "snsTopicArn", SnsEnvelope.Field(sns, "TopicArn"));
        }

        return new Alert
        {
            Source = Source,
            Fingerprint = identity,
            GroupKey = $"{Source}:{identity}",
            Status = status,
            Severity = severity,
            Title = name,
            Description = OptionalString(alarm, "AlarmDescription", $"{path}.AlarmDescription") ?? reason,
            Labels = labels,
            Annotations = annotations,
            StartsAt = status == AlertStatus.Firing ? changedAt : null,
            EndsAt = status == AlertStatus.Resolved ? changedAt : null,
            Raw = (envelope ?? alarm).GetRawText(),
        };
    }

    private static void AddMetric(Dictionary<string, string> labels, JsonElement metric)
    {
        AddIfSet(labels, "namespace", Text(metric, "Namespace"));
        AddIfSet(labels, "metricName", Text(metric, "MetricName"));
        if (Child(metric, "Dimensions") is { ValueKind: JsonValueKind.Array } dimensions)
        {
            foreach (var dimension in dimensions.EnumerateArray())
            {
                AddIfSet(labels, Text(dimension, "name") ?? "", Text(dimension, "value"));
            }
        }
    }

    /// <summary>Undefined when absent, so optional parts of the trigger can be walked without checks at each step.</summary>
    private static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? Text(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The first value wins, so the alarm's own metric outranks those of a metric-math expression.</summary>
    private static void AddIfSet(Dictionary<string, string> map, string key, string? value)
    {
        if (key.Length > 0 && !string.IsNullOrEmpty(value))
        {
            map.TryAdd(key, value);
        }
    }
}
