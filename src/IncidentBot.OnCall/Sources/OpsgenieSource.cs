using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Sources;

/// <summary>
/// Opsgenie's Who-is-on-call API: <c>GET /v2/schedules/{id}/on-calls?flat=false&amp;date=…</c> for
/// <c>opsgenie:schedule/&lt;id or name&gt;</c> (a GUID is asked as an id, anything else as a name); for
/// <c>opsgenie:team/&lt;name&gt;</c> (the <c>opsgenie.com/team</c> annotation) each enabled schedule the team owns
/// (<c>GET /v2/schedules</c>, by <c>ownerTeam</c>, up to 5 in name order) is asked the same way; and
/// <c>/next-on-calls</c> for who is next. Opsgenie's user names are e-mail addresses. Users in the schedule are level 1;
/// users reached through an escalation get a level by their escalation time. Opsgenie gives no shift ends here.
/// </summary>
internal sealed class OpsgenieSource(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<OpsgenieSource> logger) : IOnCallSource
{
    public const string SourceName = "opsgenie";

    /// <summary>At most this many of a team's schedules are asked.</summary>
    private const int MaxTeamSchedules = 5;

    /// <summary>How deep nested participants (escalations, teams) are followed.</summary>
    private const int MaxNesting = 4;

    private readonly OnCallHttp _http = new(http, logger);

    public string Name => SourceName;

    public async Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (string.Equals(target.Kind, "team", StringComparison.OrdinalIgnoreCase))
        {
            return await TeamAsync(target, at, cancellationToken);
        }
        if (!string.Equals(target.Kind, "schedule", StringComparison.OrdinalIgnoreCase))
        {
            throw new OnCallSourceException(SourceName, $"cannot ask about a '{target.Kind}'; use opsgenie:schedule/<id or name> or opsgenie:team/<name>");
        }
        return await ScheduleAsync(target, target.Id, at, cancellationToken);
    }

    private async Task<OnCallAnswer> ScheduleAsync(OnCallTarget target, string schedule, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var query = Query(schedule, at);
        using var request = Request($"v2/schedules/{Uri.EscapeDataString(schedule)}/on-calls?{query}");
        var answer = await _http.SendAsync<Answer<OnCallJson>>(SourceName, $"schedule {schedule}", request, cancellationToken);
        var now = People(answer.Data?.OnCallParticipants);
        return new OnCallAnswer(now, await NextAsync(target, schedule, query, cancellationToken));
    }

    /// <summary>
    /// A team (<c>opsgenie.com/team</c>): its enabled schedules (<c>GET /v2/schedules</c>, those whose <c>ownerTeam</c> has
    /// the team's name or id), in name order, each asked as a schedule; the first schedule's people come first.
    /// </summary>
    private async Task<OnCallAnswer> TeamAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var request = Request("v2/schedules");
        var listed = await _http.SendAsync<Answer<List<ScheduleJson>>>(SourceName, "the schedules", request, cancellationToken);
        var schedules = (listed.Data ?? [])
            .Where(s => s.Enabled != false && !string.IsNullOrWhiteSpace(s.Id))
            .Where(s => string.Equals(s.OwnerTeam?.Name, target.Id, StringComparison.OrdinalIgnoreCase) || string.Equals(s.OwnerTeam?.Id, target.Id, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Take(MaxTeamSchedules)
            .ToList();
        if (schedules.Count == 0)
        {
            throw new OnCallSourceException(SourceName, $"team {target.Id} owns no enabled schedule the API key can see");
        }
        var answers = new List<OnCallAnswer>();
        foreach (var schedule in schedules)
        {
            answers.Add(await ScheduleAsync(target, schedule.Id!, at, cancellationToken));
        }
        return new OnCallAnswer(Merge(answers.Select(a => a.Now)), Merge(answers.Select(a => a.Next)));
    }

    /// <summary>Each person once, at their lowest level, in the order of the schedules they came from.</summary>
    private static List<OnCallPerson> Merge(IEnumerable<IReadOnlyList<OnCallPerson>> lists) =>
        lists.SelectMany(l => l).GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.MinBy(p => p.Level)!).OrderBy(p => p.Level).ToList();

    private async Task<IReadOnlyList<OnCallPerson>> NextAsync(OnCallTarget target, string schedule, string query, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Request($"v2/schedules/{Uri.EscapeDataString(schedule)}/next-on-calls?{query}");
            var answer = await _http.SendAsync<Answer<NextOnCallJson>>(SourceName, $"schedule {schedule}", request, cancellationToken);
            return People(answer.Data?.NextOnCallRecipients is { Count: > 0 } next ? next : answer.Data?.ExactNextOnCallRecipients);
        }
        catch (OnCallSourceException ex)
        {
            logger.LogInformation("Opsgenie could not say who is next for {OnCallTarget}: {OnCallProblem}", target.ToString(), ex.Problem);
            return [];
        }
    }

    private static string Query(string id, DateTimeOffset at) =>
        $"scheduleIdentifierType={(Guid.TryParse(id, out _) ? "id" : "name")}&flat=false&date={Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))}";

    /// <summary>Every user among the participants, escalations and teams opened, each once at their lowest level.</summary>
    private static IReadOnlyList<OnCallPerson> People(List<Participant>? participants)
    {
        var people = new List<OnCallPerson>();
        Collect(participants, 1, 0, people);
        return people.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.MinBy(p => p.Level)!).OrderBy(p => p.Level).ToList();
    }

    private static void Collect(List<Participant>? participants, int level, int depth, List<OnCallPerson> people)
    {
        if (participants is null || depth > MaxNesting)
        {
            return;
        }
        // An escalation's recipients are reached one after another, by escalation time: their order is their level.
        var escalationTimes = participants.Where(p => p.EscalationTime is not null).Select(p => p.EscalationTime!.Value).Distinct().Order().ToList();
        foreach (var participant in participants)
        {
            var own = participant.EscalationTime is { } time ? level + escalationTimes.IndexOf(time) : level;
            if (string.Equals(participant.Type, "user", StringComparison.OrdinalIgnoreCase) && OnCallHttp.FirstText(participant.Name) is { } name)
            {
                name = name.Trim();
                people.Add(new OnCallPerson(name, name.Contains('@', StringComparison.Ordinal) ? name : null, own, null, SourceName));
            }
            Collect(participant.OnCallParticipants, own, depth + 1, people);
        }
    }

    private HttpRequestMessage Request(string pathAndQuery)
    {
        var settings = options.CurrentValue.Opsgenie;
        var request = new HttpRequestMessage(HttpMethod.Get, OnCallHttp.Address(settings.BaseUrl ?? "", pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("GenieKey", settings.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    // Opsgenie's published schema (opsgenie-oas definitions/whoIsOnCall.yaml): GetOnCallResponse and GetNextOnCallResponse.
    private sealed record Answer<T>(T? Data, string? RequestId);

    private sealed record OnCallJson(List<Participant>? OnCallParticipants, List<string>? OnCallRecipients);

    private sealed record NextOnCallJson(List<Participant>? NextOnCallRecipients, List<Participant>? ExactNextOnCallRecipients);

    // definitions/schedule.yaml: Schedule (id, name, enabled, ownerTeam: TeamMeta { id, name }).
    private sealed record ScheduleJson(string? Id, string? Name, bool? Enabled, TeamJson? OwnerTeam);

    private sealed record TeamJson(string? Id, string? Name);

    private sealed record Participant(string? Id, string? Name, string? Type, List<Participant>? OnCallParticipants, int? EscalationTime);
}
