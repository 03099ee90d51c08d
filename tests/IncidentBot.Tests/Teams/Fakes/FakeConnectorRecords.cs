using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>One Connector request as the fake saw and answered it.</summary>
public sealed record ConnectorCall(string Method, string Path, int StatusCode, DateTimeOffset At, JsonNode? Body);

/// <summary>A snapshot of a conversation (a thread in a channel, or the channel itself) and its activities in posting order.</summary>
public sealed record FakeConversation(string Id, string ChannelId, string? TenantId, IReadOnlyList<FakeActivity> Activities);

/// <summary>A snapshot of a posted activity as stored (its <c>id</c> set); <paramref name="History"/> holds the versions PUT replaced, oldest first.</summary>
public sealed record FakeActivity(string Id, string? ReplyToId, JsonObject Json, IReadOnlyList<JsonObject> History)
{
    public string? Type => (string?)Json["type"];

    public string? Text => (string?)Json["text"];

    public JsonArray Attachments => Json["attachments"] as JsonArray ?? [];

    /// <summary>The <c>content</c> of every attachment of type <c>application/vnd.microsoft.card.adaptive</c>.</summary>
    public IReadOnlyList<JsonObject> AdaptiveCards => Attachments.OfType<JsonObject>()
        .Where(a => (string?)a["contentType"] == "application/vnd.microsoft.card.adaptive")
        .Select(a => a["content"]).OfType<JsonObject>().ToList();
}

/// <summary>The mutable conversation behind <see cref="FakeConversation"/>; only touched under the connector's lock.</summary>
internal sealed class ConversationState(string id, string channelId, string? tenantId)
{
    public string Id { get; } = id;

    public List<ActivityState> Activities { get; } = [];

    public FakeConversation Snapshot() => new(Id, channelId, tenantId, Activities.Select(a => a.Snapshot()).ToList());
}

/// <summary>The mutable activity behind <see cref="FakeActivity"/>.</summary>
internal sealed class ActivityState(string id, string? replyToId, JsonObject json)
{
    private readonly List<JsonObject> _history = [];

    public string Id { get; } = id;

    public JsonObject Json { get; private set; } = json;

    public void Replace(JsonObject json)
    {
        _history.Add(Json);
        Json = json;
    }

    public FakeActivity Snapshot() =>
        new(Id, replyToId, Json.DeepClone().AsObject(), _history.Select(h => h.DeepClone().AsObject()).ToList());
}
