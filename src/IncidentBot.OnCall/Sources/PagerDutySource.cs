using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Sources;

/// <summary>
/// PagerDuty REST API v2: <c>GET /oncalls</c> for an escalation policy (<c>pagerduty:escalation-policy/PABC123</c>),
/// a schedule (<c>pagerduty:schedule/P1</c>) or a service (<c>pagerduty:service/PSVC1</c>, the
/// <c>pagerduty.com/service-id</c> annotation: its escalation policy is read first), with <c>include[]=users</c> for
/// e-mails. Every user on a level is kept: several schedules on one level give several people, and a policy that
/// names a user directly gives one with no shift end. Who is next comes from a second ask at the end of the
/// first-level shift.
/// </summary>
internal sealed class PagerDutySource(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<PagerDutySource> logger) : IOnCallSource
{
    public const string SourceName = "pagerduty";

    /// <summary>Pages of 100 read at most; a policy with more on-calls than that is not one a person can act on.</summary>
    private const int MaxPages = 5;

    private readonly OnCallHttp _http = new(http, logger);

    public string Name => SourceName;

    public async Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var filter = target.Kind.ToLowerInvariant() switch
        {
            "escalation-policy" => "escalation_policy_ids[]=" + Uri.EscapeDataString(target.Id),
            "schedule" => "schedule_ids[]=" + Uri.EscapeDataString(target.Id),
            "service" => "escalation_policy_ids[]=" + Uri.EscapeDataString(await PolicyOfServiceAsync(target.Id, cancellationToken)),
            _ => throw new OnCallSourceException(SourceName, $"cannot ask about a '{target.Kind}'; use escalation-policy, schedule or service"),
        };
        var now = await OnCallsAsync(filter, at, $"{target.Kind} {target.Id}", cancellationToken);
        var next = await NextAsync(filter, now, target, cancellationToken);
        return new OnCallAnswer(now, next);
    }

    private async Task<string> PolicyOfServiceAsync(string serviceId, CancellationToken cancellationToken)
    {
        using var request = Request($"services/{Uri.EscapeDataString(serviceId)}");
        var answer = await _http.SendAsync<ServiceAnswer>(SourceName, $"service {serviceId}", request, cancellationToken);
        return answer.Service?.EscalationPolicy?.Id is { Length: > 0 } id
            ? id
            : throw new OnCallSourceException(SourceName, $"service {serviceId} names no escalation policy");
    }

    /// <summary>Who is on call at <paramref name="at"/>: every user on every level, the first level first.</summary>
    private async Task<IReadOnlyList<OnCallPerson>> OnCallsAsync(string filter, DateTimeOffset at, string what, CancellationToken cancellationToken)
    {
        var entries = new List<OnCallEntry>();
        var since = Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        var until = Uri.EscapeDataString(at.UtcDateTime.AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        for (var page = 0; page < MaxPages; page++)
        {
            using var request = Request($"oncalls?{filter}&include[]=users&time_zone=UTC&since={since}&until={until}&limit=100&offset={page * 100}");
            var answer = await _http.SendAsync<OnCallsAnswer>(SourceName, what, request, cancellationToken);
            entries.AddRange(answer.Oncalls ?? []);
            if (answer.More != true)
            {
                break;
            }
        }
        return entries
            .Where(e => !string.IsNullOrWhiteSpace(e.User?.Id))
            .Where(e => e.Start is null || e.Start <= at) // `until` is a second later: a shift starting in it is not on now
            .GroupBy(e => (e.User!.Id, Level: Math.Max(1, e.EscalationLevel)))
            .Select(g => g.OrderByDescending(e => e.End ?? DateTimeOffset.MaxValue).First())
            .OrderBy(e => Math.Max(1, e.EscalationLevel)).ThenBy(e => e.End ?? DateTimeOffset.MaxValue)
            .Select(e => new OnCallPerson(OnCallHttp.FirstText(e.User!.Name, e.User.Summary, e.User.Email) ?? e.User.Id!, OnCallHttp.FirstText(e.User.Email), Math.Max(1, e.EscalationLevel), e.End, SourceName))
            .ToList();
    }

    /// <summary>The first level's people when the first first-level shift ends; none when it never ends or PagerDuty cannot say.</summary>
    private async Task<IReadOnlyList<OnCallPerson>> NextAsync(string filter, IReadOnlyList<OnCallPerson> now, OnCallTarget target, CancellationToken cancellationToken)
    {
        if (now.Where(p => p.Level == 1).Select(p => p.ShiftEnds).Min() is not { } handover)
        {
            return [];
        }
        try
        {
            return (await OnCallsAsync(filter, handover, $"{target.Kind} {target.Id} after {handover:O}", cancellationToken)).Where(p => p.Level == 1).ToList();
        }
        catch (OnCallSourceException ex)
        {
            // Who is on call now is known; not knowing who is next must not lose it.
            logger.LogInformation("PagerDuty could not say who is next for {OnCallTarget}: {OnCallProblem}", target.ToString(), ex.Problem);
            return [];
        }
    }

    private HttpRequestMessage Request(string pathAndQuery)
    {
        var settings = options.CurrentValue.PagerDuty;
        var request = new HttpRequestMessage(HttpMethod.Get, OnCallHttp.Address(settings.BaseUrl ?? "", pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", "token=" + settings.ApiKey);
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.pagerduty+json;version=2");
        return request;
    }

    // The shapes below follow the field names PagerDuty publishes for GET /oncalls and GET /services/{id}.
    private sealed record OnCallsAnswer(List<OnCallEntry>? Oncalls, bool? More);

    private sealed record OnCallEntry(
        UserJson? User,
        [property: JsonPropertyName("escalation_level")] int EscalationLevel,
        DateTimeOffset? Start,
        DateTimeOffset? End);

    /// <summary>A user reference (<c>summary</c>) or, with <c>include[]=users</c>, the user (<c>name</c>, <c>email</c>).</summary>
    private sealed record UserJson(string? Id, string? Name, string? Email, string? Summary);

    private sealed record ServiceAnswer(ServiceJson? Service);

    private sealed record ServiceJson([property: JsonPropertyName("escalation_policy")] Reference? EscalationPolicy);

    private sealed record Reference(string? Id);
}
