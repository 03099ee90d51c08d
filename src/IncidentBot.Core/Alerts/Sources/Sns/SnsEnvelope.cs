using System.Text;
using System.Text.Json;

namespace IncidentBot.Alerts.Sources;

/// <summary>Reads Amazon SNS envelopes: an HTTP delivery's body is one; a Lambda event holds them in <c>Records[].Sns</c>.</summary>
internal static class SnsEnvelope
{
    public const string Notification = "Notification";
    public const string SubscriptionConfirmation = "SubscriptionConfirmation";
    public const string UnsubscribeConfirmation = "UnsubscribeConfirmation";

    // Byte-sorted names SNS signs, per message type (Subject only when the notification has one).
    private static readonly string[] NotificationFields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
    private static readonly string[] ConfirmationFields = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];

    public static bool IsLambdaEvent(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array;

    /// <summary>The envelopes a body carries; an element that is not an object is returned as it is, for the caller to refuse.</summary>
    public static IEnumerable<JsonElement> All(JsonElement body) =>
        IsLambdaEvent(body)
            ? body.GetProperty("Records").EnumerateArray().Select(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("Sns", out var sns) ? sns : r)
            : [body];

    public static string? Field(JsonElement envelope, string name) =>
        envelope.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Lambda records spell it <c>SigningCertUrl</c>; HTTP deliveries <c>SigningCertURL</c>.</summary>
    public static string? SigningCertUrl(JsonElement envelope) => Field(envelope, "SigningCertURL") ?? Field(envelope, "SigningCertUrl");

    public static bool HasDuplicateNames(JsonElement envelope) =>
        envelope.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).Any(g => g.Count() > 1);

    /// <summary>The canonical text SNS signed, or null with the field that is missing.</summary>
    public static string? StringToSign(JsonElement envelope, out string? missing)
    {
        var type = Field(envelope, "Type");
        var names = type == Notification ? NotificationFields : ConfirmationFields;
        var text = new StringBuilder();
        foreach (var name in names)
        {
            var value = Field(envelope, name);
            if (value is null && name == "Subject")
            {
                continue;
            }
            if (value is null)
            {
                missing = name;
                return null;
            }
            text.Append(name).Append('\n').Append(value).Append('\n');
        }
        missing = null;
        return text.ToString();
    }
}
