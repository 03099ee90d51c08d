namespace IncidentBot.Access;

/// <summary>
/// Who runs a command. <see cref="Name"/> is the handle shown on the timeline (a Slack or Teams name, a signed-in
/// person's handle, <c>token:ci</c>, or a typed name); the rest is what the platform proved about them, used to
/// find their role.
/// </summary>
/// <param name="Name">The handle on the timeline, roles and runbook steps.</param>
public sealed record Actor(string Name)
{
    /// <summary>The e-mail address the platform or the identity provider vouches for, if any.</summary>
    public string? Email { get; init; }

    /// <summary>Group names or ids from the identity provider, if any.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>A role granted outright (an API token carries one); otherwise the role comes from configuration.</summary>
    public AccessRole? Role { get; init; }

    /// <summary>Where the command came from: <c>slack</c>, <c>teams</c>, <c>console</c> or <c>api</c>.</summary>
    public string Platform { get; init; } = "api";

    /// <summary>Only a name was given (loopback without sign-in, or the shared access token): nothing is proven.</summary>
    public static Actor Typed(string name, string platform = "api") => new(name) { Platform = platform };
}
