namespace IncidentBot.OnCall;

/// <summary>
/// The on-call ask of an incident, kept on the incident (<see cref="Incidents.Incident.OnCall"/>) so that a restart
/// or a second replica knows who was asked, when, whether they accepted and who is left: it is written in the same
/// commit (with the incident's version check) as the commander it names, so two replicas can never both ask.
/// </summary>
public sealed class OnCallAsk
{
    /// <summary>The catalog component whose on-call people were asked.</summary>
    public string Component { get; set; } = "";

    /// <summary>The handle of the person asked now (the commander while the ask lasts); null when nobody was found.</summary>
    public string? Handle { get; set; }

    /// <summary>Their e-mail, how chat platforms find and mention them; null when the source gave none.</summary>
    public string? Email { get; set; }

    /// <summary>Their escalation level (1 first); a person named in a hand-off keeps the level of who handed off.</summary>
    public int Level { get; set; }

    public DateTimeOffset AskedAt { get; set; }

    /// <summary>When the person asked accepted; from then on nothing escalates.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>Nobody is left to ask: the last one asked stays commander and nothing escalates any more.</summary>
    public bool Exhausted { get; set; }

    /// <summary>Everyone on call now, in the order the source gave them (the primary first at each level).</summary>
    public List<OnCallCandidate> People { get; set; } = [];

    /// <summary>The handles already asked, the current one included, so nobody is asked twice.</summary>
    public List<string> Asked { get; set; } = [];

    /// <summary>
    /// Whether the ask still waits for an answer and may escalate: not accepted, someone to escalate from, and that
    /// person still commander (a commander a person set ends it).
    /// </summary>
    public bool IsWaiting(string? commander) =>
        AcceptedAt is null && Handle is not null && string.Equals(commander, Handle, StringComparison.OrdinalIgnoreCase);

    /// <summary>When the next level is asked, if the ask is still waiting then.</summary>
    public DateTimeOffset? EscalatesAt(string? commander, TimeSpan acceptWithin) =>
        IsWaiting(commander) && !Exhausted ? AskedAt + acceptWithin : null;

    /// <summary>Whether <paramref name="handle"/> or <paramref name="email"/> is the person asked.</summary>
    public bool IsAsked(string handle, string? email) =>
        (Handle is not null && string.Equals(handle, Handle, StringComparison.OrdinalIgnoreCase))
        || (Email is not null && email is not null && string.Equals(email, Email, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first person not asked yet on a level above the current one (escalation).</summary>
    public OnCallCandidate? NextLevel() => People.FirstOrDefault(p => p.Level > Level && !WasAsked(p));

    /// <summary>The first person not asked yet: the others on the current level first, then the next levels (a hand-off).</summary>
    public OnCallCandidate? NextPerson() =>
        People.Where(p => p.Level >= Level && !WasAsked(p)).OrderBy(p => p.Level).FirstOrDefault()
        ?? People.FirstOrDefault(p => !WasAsked(p));

    /// <summary>A copy that shares nothing with this ask, lists included.</summary>
    public OnCallAsk Copy()
    {
        var copy = (OnCallAsk)MemberwiseClone();
        copy.People = People.Select(p => new OnCallCandidate { Handle = p.Handle, Email = p.Email, Level = p.Level }).ToList();
        copy.Asked = [.. Asked];
        return copy;
    }

    /// <summary>A wait as people say it: <c>90 s</c>, <c>5 min</c>, <c>1 h 30 min</c>.</summary>
    public static string Describe(TimeSpan wait)
    {
        if (wait < TimeSpan.FromMinutes(1) || wait.Seconds != 0)
        {
            return $"{(long)wait.TotalSeconds} s";
        }
        return wait.Hours == 0 && wait.Days == 0 ? $"{(long)wait.TotalMinutes} min"
            : wait.Minutes == 0 ? $"{(long)wait.TotalHours} h" : $"{(long)wait.TotalHours} h {wait.Minutes} min";
    }

    private bool WasAsked(OnCallCandidate person) => Asked.Contains(person.Handle, StringComparer.OrdinalIgnoreCase);
}

/// <summary>One person on call, as the ask keeps them: their handle, e-mail and level.</summary>
public sealed class OnCallCandidate
{
    public string Handle { get; set; } = "";

    public string? Email { get; set; }

    public int Level { get; set; }
}
