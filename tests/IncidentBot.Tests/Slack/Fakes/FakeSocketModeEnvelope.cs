using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>An envelope the server owes the client until it is acked.</summary>
internal sealed class FakeSocketModeEnvelope(string type, JsonNode payload, bool acceptsResponsePayload)
{
    // Copied so a caller reusing its payload object cannot change what is redelivered.
    private readonly JsonNode _payload = payload.DeepClone();

    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>Times the envelope was written to a socket; guarded by the server's lock.</summary>
    public int Deliveries { get; set; }

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["envelope_id"] = Id,
            ["type"] = type,
            ["payload"] = _payload.DeepClone(),
            ["accepts_response_payload"] = acceptsResponsePayload,
        };
        // Slack numbers Events API redeliveries so clients can tell them apart.
        if (type == "events_api")
        {
            json["retry_attempt"] = Deliveries;
            json["retry_reason"] = Deliveries == 0 ? "" : "timeout";
        }

        return json.ToJsonString();
    }
}
