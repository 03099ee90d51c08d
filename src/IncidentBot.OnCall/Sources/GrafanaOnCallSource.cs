using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Sources;

/// <summary>
/// Grafana OnCall's public API for <c>grafana-oncall:schedule/&lt;id&gt;</c>: <c>GET /api/v1/schedules/{id}/</c> gives
/// the ids of the users <c>on_call_now</c>, <c>GET /api/v1/users/{id}/</c> their e-mail and user name, and
/// <c>GET /api/v1/schedules/{id}/final_shifts</c> the shifts' ends and who is next. The final shifts are a bonus:
/// when they cannot be read, the answer has no shift ends and no one next.
/// </summary>
internal sealed class GrafanaOnCallSource(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<GrafanaOnCallSource> logger) : IOnCallSource
{
    public const string SourceName = "grafana-oncall";

    /// <summary>At most this many people on call now are looked up; more is a misconfigured schedule.</summary>
    private const int MaxPeople = 10;

    /// <summary>Pages of final shifts read at most.</summary>
    private const int MaxPages = 3;

    private readonly OnCallHttp _http = new(http, logger);

    public string Name => SourceName;

    public async Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!string.Equals(target.Kind, "schedule", StringComparison.OrdinalIgnoreCase))
        {
            throw new OnCallSourceException(SourceName, $"cannot ask about a '{target.Kind}'; use grafana-oncall:schedule/<id>");
        }
        var id = Uri.EscapeDataString(target.Id);
        using var request = Request($"api/v1/schedules/{id}/");
        var schedule = await _http.SendAsync<ScheduleJson>(SourceName, $"schedule {target.Id}", request, cancellationToken);
        var userIds = (schedule.OnCallNow ?? []).Where(u => !string.IsNullOrWhiteSpace(u)).Distinct(StringComparer.Ordinal).Take(MaxPeople).ToList();
        // The users and the shifts are asked together; the shifts never fail the answer.
        var shifts = FinalShiftsAsync(id, at, target, cancellationToken);
        var users = await Task.WhenAll(userIds.Select(u => UserAsync(u, cancellationToken)));
        var final = await shifts;
        var now = users.Select(u => new OnCallPerson(
                OnCallHttp.FirstText(u.Username, u.Email) ?? u.Id!,
                OnCallHttp.FirstText(u.Email),
                1,
                final.Where(s => s.UserPk == u.Id && s.ShiftStart <= at && s.ShiftEnd > at).Select(s => (DateTimeOffset?)s.ShiftEnd).Max(),
                SourceName))
            .ToList();
        var nextStart = final.Where(s => s.ShiftStart > at).Select(s => (DateTimeOffset?)s.ShiftStart).Min();
        var next = final.Where(s => s.ShiftStart == nextStart && OnCallHttp.FirstText(s.UserUsername, s.UserEmail, s.UserPk) is not null)
            .Select(s => new OnCallPerson(OnCallHttp.FirstText(s.UserUsername, s.UserEmail, s.UserPk)!, OnCallHttp.FirstText(s.UserEmail), 1, s.ShiftEnd, SourceName))
            .DistinctBy(p => p.Name)
            .ToList();
        return new OnCallAnswer(now, next);
    }

    /// <summary>A user's e-mail and name; a user Grafana no longer knows is still on call, known by id alone.</summary>
    private async Task<UserJson> UserAsync(string id, CancellationToken cancellationToken)
    {
        using var request = Request($"api/v1/users/{Uri.EscapeDataString(id)}/");
        try
        {
            return await _http.SendAsync<UserJson>(SourceName, $"user {id}", request, cancellationToken) with { Id = id };
        }
        catch (OnCallSourceException ex) when (ex.InnerException is HttpRequestException { StatusCode: System.Net.HttpStatusCode.NotFound })
        {
            logger.LogInformation("Grafana OnCall does not know user {OnCallUserId}, who is on call; they are named by id", id);
            return new UserJson(id, null, null);
        }
    }

    /// <summary>Today's and the next two days' final shifts; empty when Grafana OnCall cannot give them.</summary>
    private async Task<IReadOnlyList<ShiftJson>> FinalShiftsAsync(string id, DateTimeOffset at, OnCallTarget target, CancellationToken cancellationToken)
    {
        var shifts = new List<ShiftJson>();
        try
        {
            var day = at.UtcDateTime.Date;
            string? page = $"api/v1/schedules/{id}/final_shifts?start_date={day.AddDays(-1):yyyy-MM-dd}&end_date={day.AddDays(2):yyyy-MM-dd}";
            for (var read = 0; read < MaxPages && page is not null; read++)
            {
                using var request = Request(page);
                var answer = await _http.SendAsync<ShiftsPage>(SourceName, $"final shifts of schedule {target.Id}", request, cancellationToken);
                shifts.AddRange((answer.Results ?? []).Where(s => s.ShiftStart is not null && s.ShiftEnd is not null));
                page = NextPage(answer.Next);
            }
        }
        catch (OnCallSourceException ex)
        {
            logger.LogInformation("Grafana OnCall could not give the final shifts of {OnCallTarget}: {OnCallProblem}", target.ToString(), ex.Problem);
        }
        return shifts;
    }

    /// <summary>The next page's path and query, only when it lies under the configured base URL (the key goes with it).</summary>
    private string? NextPage(string? next)
    {
        var root = (options.CurrentValue.GrafanaOnCall.BaseUrl ?? "").TrimEnd('/') + "/";
        return next is { Length: > 0 } && next.StartsWith(root, StringComparison.Ordinal) ? next[root.Length..] : null;
    }

    private HttpRequestMessage Request(string pathAndQuery)
    {
        var settings = options.CurrentValue.GrafanaOnCall;
        var request = new HttpRequestMessage(HttpMethod.Get, OnCallHttp.Address(settings.BaseUrl ?? "", pathAndQuery));
        // Grafana OnCall takes the token itself as the Authorization header, without a scheme.
        request.Headers.TryAddWithoutValidation("Authorization", settings.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    // Shapes from Grafana's Apache-2.0 Go client (amixr-api-go-client) and the final_shifts field names in Grafana's docs.
    private sealed record ScheduleJson(string? Id, [property: JsonPropertyName("on_call_now")] List<string>? OnCallNow);

    private sealed record UserJson(string? Id, string? Email, string? Username);

    private sealed record ShiftsPage(List<ShiftJson>? Results, string? Next);

    private sealed record ShiftJson(
        [property: JsonPropertyName("user_pk")] string? UserPk,
        [property: JsonPropertyName("user_email")] string? UserEmail,
        [property: JsonPropertyName("user_username")] string? UserUsername,
        [property: JsonPropertyName("shift_start")] DateTimeOffset? ShiftStart,
        [property: JsonPropertyName("shift_end")] DateTimeOffset? ShiftEnd);
}
