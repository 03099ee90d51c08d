namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>Configuration of a <see cref="FakeSlackApi"/> workspace.</summary>
public sealed record FakeSlackOptions
{
    public string BotToken { get; init; } = "xoxb-test";

    public string AppToken { get; init; } = "xapp-test";

    /// <summary>The bot's own user id: creator and first member of every channel it creates.</summary>
    public string BotUserId { get; init; } = "U0FAKEBOT";

    public IReadOnlyList<FakeSlackUser> Users { get; init; } =
    [
        new("U0ALICE", "alice", "alice@example.com"),
        new("U0BOB", "bob", "bob@example.com"),
    ];

    /// <summary>
    /// The bot token's scopes that the fake checks, as Slack does: <c>users.info</c> needs <c>users:read</c> (else
    /// <c>missing_scope</c>) and shows <c>profile.email</c> only with <c>users:read.email</c>, which
    /// <c>users.lookupByEmail</c> needs too.
    /// </summary>
    public IReadOnlyCollection<string> UserScopes { get; init; } = ["users:read", "users:read.email"];

    /// <summary>The workspace's user groups (<c>usergroups.list</c>, <c>usergroups.users.list</c>).</summary>
    public IReadOnlyList<FakeSlackUsergroup> Usergroups { get; init; } = [];

    /// <summary>False answers the usergroups methods with <c>missing_scope</c>, as for an app installed without <c>usergroups:read</c>.</summary>
    public bool UsergroupsRead { get; init; } = true;

    /// <summary>Names that conversations.create answers with <c>name_taken</c> (e.g. archived channels).</summary>
    public IReadOnlyCollection<string> TakenChannelNames { get; init; } = [];

    public bool RateLimits { get; init; } = true;

    /// <summary>Scales every tier budget (rounded, at least 1) so tests can exhaust one in a few calls.</summary>
    public double TierMultiplier { get; init; } = 1;

    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Where apps.connections.open points; without it the method refuses like a non-Socket-Mode app.</summary>
    public FakeSocketMode? SocketMode { get; init; }

    /// <summary>Drives rate-limit windows and recorded times, so a FakeTimeProvider can free budgets instantly.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
