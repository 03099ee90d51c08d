namespace IncidentBot.OnCall;

/// <summary>
/// Where the bot asks who is on call. Section <c>OnCall</c>; a source is on when its <c>ApiKey</c> is set:
/// <code>
/// "OnCall": {
///   "Timeout": "00:00:02",
///   "AcceptWithin": "00:05:00",
///   "PagerDuty": { "ApiKey": "…", "BaseUrl": "https://api.pagerduty.com", "From": "oncall-bot@example.com" },
///   "Opsgenie": { "ApiKey": "…", "BaseUrl": "https://api.opsgenie.com" },
///   "GrafanaOnCall": { "ApiKey": "…", "BaseUrl": "https://oncall-prod-us-central-0.grafana.net/oncall" },
///   "GoAlert": { "ApiKey": "…", "ScheduleApiKey": "…", "PageApiKey": "…", "BaseUrl": "https://goalert.example.com" }
/// }
/// </code>
/// </summary>
public sealed class OnCallOptions
{
    public const string Section = "OnCall";

    /// <summary>The shortest and longest <see cref="Timeout"/> accepted.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest <see cref="AcceptWithin"/> accepted: past it, an unanswered page waits longer than any incident should.</summary>
    public static readonly TimeSpan MaxAcceptWithin = TimeSpan.FromHours(2);

    /// <summary>How long the on-call commander has to press Accept before the next level is asked.</summary>
    public TimeSpan AcceptWithin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one source may take to answer before the last remembered answer or the next step is used.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    public PagerDutyOptions PagerDuty { get; set; } = new() { BaseUrl = "https://api.pagerduty.com" };

    public OnCallSourceOptions Opsgenie { get; set; } = new() { BaseUrl = "https://api.opsgenie.com" };

    /// <summary>Grafana Cloud's OnCall API; a stack in another region, or a self-hosted engine, has its own URL.</summary>
    public OnCallSourceOptions GrafanaOnCall { get; set; } = new() { BaseUrl = "https://oncall-prod-us-central-0.grafana.net/oncall" };

    /// <summary>GoAlert is self-hosted, so it has no default URL.</summary>
    public GoAlertOptions GoAlert { get; set; } = new();

    /// <summary>The sources' settings by their configuration key, for validation and documentation.</summary>
    public IEnumerable<(string Key, OnCallSourceOptions Options)> Sources() =>
        [(nameof(PagerDuty), PagerDuty), (nameof(Opsgenie), Opsgenie), (nameof(GrafanaOnCall), GrafanaOnCall), (nameof(GoAlert), GoAlert)];

    /// <summary>Every problem with these settings, each naming its key; empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Timeout < MinTimeout || Timeout > MaxTimeout)
        {
            problems.Add($"{Section}:Timeout must lie between {MinTimeout.TotalSeconds} s and {MaxTimeout.TotalSeconds} s (it is {Timeout}).");
        }
        if (AcceptWithin <= TimeSpan.Zero || AcceptWithin > MaxAcceptWithin)
        {
            problems.Add($"{Section}:AcceptWithin must be more than 0 and at most {MaxAcceptWithin.TotalHours} h (it is {AcceptWithin}).");
        }
        if (!string.IsNullOrWhiteSpace(PagerDuty.From) && (!Catalog.CatalogRouting.IsEmail(PagerDuty.From.Trim()) || PagerDuty.From.Any(c => c > '\u007e')))
        {
            problems.Add($"{Section}:PagerDuty:From must be one e-mail address, a PagerDuty user's, e.g. oncall-bot@example.com.");
        }
        foreach (var (key, source) in Sources())
        {
            foreach (var (name, value) in source.Keys())
            {
                if (!string.IsNullOrEmpty(value) && value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007e'))
                {
                    // The key goes into an HTTP header; the problem never repeats it.
                    problems.Add($"{Section}:{key}:{name} must not contain spaces, line breaks or characters outside ASCII.");
                }
            }
            if (source.Enabled && string.IsNullOrWhiteSpace(source.BaseUrl))
            {
                problems.Add($"{Section}:{key}:BaseUrl is required because {Section}:{key}:ApiKey is set.");
            }
            else if (!string.IsNullOrWhiteSpace(source.BaseUrl) && BaseUrlProblem(source.BaseUrl) is { } problem)
            {
                problems.Add($"{Section}:{key}:BaseUrl {problem}.");
            }
        }
        return problems;
    }

    /// <summary>
    /// Why a base URL is refused, or null: it must be absolute, https (plain http only to this machine, for a fake or
    /// a tunnel), without user name, query or fragment, because the API key travels to it.
    /// </summary>
    public static string? BaseUrlProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "must be an absolute http(s) URL";
        }
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return "must not carry a user name, query or fragment";
        }
        return uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback ? "must use https (plain http is allowed only to loopback addresses)" : null;
    }
}

/// <summary>One on-call source's credentials and address.</summary>
public class OnCallSourceOptions
{
    /// <summary>The source's API key; never logged.</summary>
    public string? ApiKey { get; set; }

    public string? BaseUrl { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>The secrets these settings hold, by their key.</summary>
    public virtual IEnumerable<(string Name, string? Value)> Keys() => [(nameof(ApiKey), ApiKey)];
}

/// <summary>
/// PagerDuty's settings. <see cref="From"/> is the e-mail of the PagerDuty user a page (<c>POST /incidents</c>) is
/// made as: PagerDuty's REST API refuses to create an incident without a <c>From</c> header naming a user.
/// </summary>
public sealed class PagerDutyOptions : OnCallSourceOptions
{
    public string? From { get; set; }
}

/// <summary>
/// GoAlert runs an API key only with the one query document it was created for: <see cref="OnCallSourceOptions.ApiKey"/>
/// is the key made for the service query (<c>goalert:service/…</c>), <see cref="ScheduleApiKey"/> the one made for the
/// schedule-shifts query (<c>goalert:schedule/…</c>); without it, schedules are asked with <c>ApiKey</c>.
/// </summary>
public sealed class GoAlertOptions : OnCallSourceOptions
{
    public string? ScheduleApiKey { get; set; }

    /// <summary>The key made for the <c>createAlert</c> mutation (docs/goalert/create-alert.graphql), for <c>page</c>.</summary>
    public string? PageApiKey { get; set; }

    public override IEnumerable<(string Name, string? Value)> Keys() => [.. base.Keys(), (nameof(ScheduleApiKey), ScheduleApiKey), (nameof(PageApiKey), PageApiKey)];
}
