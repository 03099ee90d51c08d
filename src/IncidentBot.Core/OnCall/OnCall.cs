namespace IncidentBot.OnCall;

/// <summary>
/// Where to ask who is on call, as written in <c>incidentbot.io/oncall</c>: <c>pagerduty:escalation-policy/PABC123</c>,
/// <c>pagerduty:schedule/P1</c>, <c>opsgenie:schedule/ops</c>, <c>grafana-oncall:schedule/S1</c>,
/// <c>goalert:service/uuid</c> or <c>rota:payments</c>.
/// </summary>
/// <param name="Source">The source's name: <c>pagerduty</c>, <c>opsgenie</c>, <c>grafana-oncall</c>, <c>goalert</c> or <c>rota</c>.</param>
/// <param name="Kind">What is asked about (<c>schedule</c>, <c>escalation-policy</c>, <c>service</c>); empty for a rota.</param>
/// <param name="Id">The id at that source (a rota's name for <c>rota</c>).</param>
public sealed record OnCallTarget(string Source, string Kind, string Id)
{
    public override string ToString() => Kind.Length == 0 ? $"{Source}:{Id}" : $"{Source}:{Kind}/{Id}";
}

/// <summary>One person on call, as a source answered.</summary>
/// <param name="Name">Their name at the source.</param>
/// <param name="Email">Their e-mail, how they are matched to Slack, Teams and console users; null if the source gave none.</param>
/// <param name="Level">Escalation level, 1 first.</param>
/// <param name="ShiftEnds">When this shift ends, if the source says.</param>
/// <param name="Source">Which source answered (e.g. <c>pagerduty</c>, <c>rota</c>).</param>
public sealed record OnCallPerson(string Name, string? Email, int Level, DateTimeOffset? ShiftEnds, string Source);

/// <summary>What one source said about one target: who is on call now and, where it knows, who is next.</summary>
public sealed record OnCallAnswer(IReadOnlyList<OnCallPerson> Now, IReadOnlyList<OnCallPerson> Next);

/// <summary>One place to ask who is on call: PagerDuty, Opsgenie, Grafana OnCall, GoAlert, or the built-in rotas.</summary>
public interface IOnCallSource
{
    /// <summary>The <see cref="OnCallTarget.Source"/> this source answers for.</summary>
    string Name { get; }

    /// <summary>Who is on call for <paramref name="target"/> at <paramref name="at"/>. Throws <see cref="OnCallSourceException"/> when the source cannot say.</summary>
    Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A source that could not answer (refused, timed out, rate limited, unknown id), with why.</summary>
public sealed class OnCallSourceException(string source, string problem, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"{source}: {problem}", inner)
{
    public string SourceName { get; } = source;
    public string Problem { get; } = problem;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Who to ask, in order: the component's own target, then its owning group's, then a fallback commander (an e-mail),
/// then the reporter.
/// </summary>
public sealed record OnCallRequest(IReadOnlyList<OnCallTarget> Targets, string? FallbackCommander, string? Reporter);

/// <summary>
/// The answer for an incident or the Services page. <see cref="FromCache"/> marks a remembered answer given because
/// the source did not answer in time; <see cref="Failures"/> names each source that failed and why (shown on the
/// timeline); <see cref="AnsweredBy"/> says which step of the chain answered (a target, <c>fallback</c>, <c>reporter</c>).
/// </summary>
public sealed record OnCallLookup(IReadOnlyList<OnCallPerson> Now, IReadOnlyList<OnCallPerson> Next, string AnsweredBy, bool FromCache, IReadOnlyList<string> Failures);

/// <summary>Asks the sources along an <see cref="OnCallRequest"/>'s chain, with caching and fallbacks.</summary>
public interface IOnCallDirectory
{
    Task<OnCallLookup> LookupAsync(OnCallRequest request, CancellationToken cancellationToken);
}
