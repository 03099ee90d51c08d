using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Sources;

/// <summary>
/// Opsgenie's Who-is-on-call API: <c>GET /v2/schedules/{id}/on-calls?flat=false&amp;date=…</c> for
/// <c>opsgenie:schedule/&lt;id or name&gt;</c> (a GUID is asked as an id, anything else as a name), and
/// <c>/next-on-calls</c> for who is next. Opsgenie's user names are e-mail addresses. Users in the schedule are level 1;
/// users reached through an escalation get a level by their escalation time. Opsgenie gives no shift ends here.
/// </summary>
internal sealed class OpsgenieSource(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<OpsgenieSource> logger) : IOnCallSource
{
    public const string SourceName = "opsgenie";

    /// <summary>How deep nested participants (escalations, teams) are followed.</summary>
    private const int MaxNesting = 4;

    private readonly OnCallHttp _http = new(http, logger);

    public string Name => SourceName;

    public async Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!string.Equals(target.Kind, "schedule", StringComparison.OrdinalIgnoreCase))
        {
            throw new OnCallSourceException(SourceName, $"cannot ask about a '{target.Kind}'; use opsgenie:schedule/<id or name>");
        }
        var query = Query(target.Id, at);
        using var request = Request($"v2/schedules/{Uri.EscapeDataString(target.Id)}/on-calls?{query}");
        var answer = await _http.SendAsync<Answer<OnCallJson>>(SourceName, $"schedule {target.Id}", request, cancellationToken);
        var now = People(answer.Data?.OnCallParticipants);
        return new OnCallAnswer(now, await NextAsync(target, query, cancellationToken));
    }

    private async Task<IReadOnlyList<OnCallPerson>> NextAsync(OnCallTarget target, string query, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Request($"v2/schedules/{Uri.EscapeDataString(target.Id)}/next-on-calls?{query}");
            var answer = await _http.SendAsync<Answer<NextOnCallJson>>(SourceName, $"schedule {target.Id}", request, cancellationToken);
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

    private sealed record Participant(string? Id, string? Name, string? Type, List<Participant>? OnCallParticipants, int? EscalationTime);
}
