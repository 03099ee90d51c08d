using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>The in-memory workspace; every member is guarded by <see cref="Gate"/>.</summary>
internal sealed class FakeSlackState(TimeProvider time)
{
    private const long FirstTsMicros = 1_700_000_000_000_100;
    private long _lastTsMicros = FirstTsMicros - 100;
    private int _lastId;

    public Lock Gate { get; } = new();

    public List<ChannelState> Channels { get; } = [];

    public HashSet<string> TakenNames { get; } = [];

    public HashSet<string> UsedTriggerIds { get; } = [];

    public List<FakeEphemeral> Ephemerals { get; } = [];

    public List<FakeView> Views { get; } = [];

    public List<SlackCall> Calls { get; } = [];

    public int RateLimitedResponses { get; set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public string NewId(string prefix) => $"{prefix}0{++_lastId:D8}";

    // Slack's ts is "<epoch seconds>.<6 digits>" and unique per channel; a strictly increasing counter keeps ordering obvious.
    public string NewTs()
    {
        _lastTsMicros += 100;
        return $"{_lastTsMicros / 1_000_000}.{_lastTsMicros % 1_000_000:D6}";
    }

    public ChannelState? FindChannel(string? idOrName)
    {
        var key = idOrName?.TrimStart('#');
        return Channels.Find(c => c.Id == key) ?? Channels.Find(c => c.Name == key);
    }

    public static FakeChannel Snapshot(ChannelState c) =>
        new(c.Id, c.Name, c.IsPrivate, c.Topic.Value, c.Purpose.Value, [.. c.Members], [.. c.Pins], [.. c.Bookmarks], c.IsArchived);

    public static FakeMessage Snapshot(ChannelState c, MessageState m) =>
        new(c.Id, m.Ts, m.ThreadTs, m.Text, Clone(m.Blocks), m.History.Select(v => v with { Blocks = Clone(v.Blocks) }).ToList());

    public static JsonArray? Clone(JsonArray? blocks) => blocks?.DeepClone().AsArray();
}

/// <summary>A channel as the fake keeps it.</summary>
internal sealed class ChannelState
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required bool IsPrivate { get; init; }

    public required long Created { get; init; }

    public required string Creator { get; init; }

    public (string Value, long LastSet) Topic { get; set; } = ("", 0);

    public (string Value, long LastSet) Purpose { get; set; } = ("", 0);

    public bool IsArchived { get; set; }

    public List<string> Members { get; } = [];

    public List<string> Pins { get; } = [];

    public List<FakeBookmark> Bookmarks { get; } = [];

    public List<MessageState> Messages { get; } = [];
}

/// <summary>A message as the fake keeps it.</summary>
internal sealed class MessageState
{
    public required string Ts { get; init; }

    public string? ThreadTs { get; init; }

    public string? Text { get; set; }

    public JsonArray? Blocks { get; set; }

    public List<FakeMessageVersion> History { get; } = [];
}
