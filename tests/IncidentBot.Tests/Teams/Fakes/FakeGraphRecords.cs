using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>One Graph request as the fake saw and answered it.</summary>
public sealed record GraphCall(string Method, string Path, int StatusCode, DateTimeOffset At, JsonNode? Body);

/// <summary>A channel of a fake team, as Graph would return it.</summary>
public sealed record FakeGraphChannel(
    string Id,
    string TeamId,
    string DisplayName,
    string? Description,
    string MembershipType,
    string WebUrl,
    DateTimeOffset CreatedDateTime);
