using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>A workspace member known to the fake.</summary>
public sealed record FakeSlackUser(string Id, string Name, string Email);

/// <summary>One Web API request as the fake saw and answered it.</summary>
/// <param name="Error">The <c>error</c> of an <c>ok:false</c> answer, or null.</param>
public sealed record SlackCall(string Method, JsonObject Arguments, int StatusCode, string? Error, DateTimeOffset At);

/// <summary>A snapshot of a channel created through conversations.create.</summary>
public sealed record FakeChannel(
    string Id,
    string Name,
    bool IsPrivate,
    string Topic,
    string Purpose,
    IReadOnlyList<string> Members,
    IReadOnlyList<string> Pins,
    IReadOnlyList<FakeBookmark> Bookmarks,
    bool IsArchived);

/// <summary>A bookmark added with bookmarks.add.</summary>
public sealed record FakeBookmark(string Id, string Title, string Type, string Link, string? Emoji);

/// <summary>A snapshot of a posted message; <paramref name="History"/> holds the versions chat.update replaced, oldest first.</summary>
public sealed record FakeMessage(
    string Channel,
    string Ts,
    string? ThreadTs,
    string? Text,
    JsonArray? Blocks,
    IReadOnlyList<FakeMessageVersion> History);

/// <summary>The content of a message before one chat.update.</summary>
public sealed record FakeMessageVersion(string? Text, JsonArray? Blocks);

/// <summary>A chat.postEphemeral message.</summary>
public sealed record FakeEphemeral(string Channel, string User, string MessageTs, string? Text, JsonArray? Blocks);

/// <summary>A modal opened with views.open.</summary>
public sealed record FakeView(string Id, string TriggerId, JsonObject View);
