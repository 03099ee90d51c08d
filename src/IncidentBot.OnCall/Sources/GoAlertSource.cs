using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Sources;

/// <summary>
/// GoAlert's GraphQL API (<c>POST /api/graphql</c>). A GoAlert API key runs only the exact query document it was
/// created for, so the bot sends the two documents GoAlert's own web UI sends, byte for byte (docs/goalert/):
/// <c>goalert:service/&lt;id&gt;</c> asks the service's <c>onCallUsers</c> (levels from their escalation step, no shift
/// ends), <c>goalert:schedule/&lt;id&gt;</c> the schedule's shifts for the next week (shift ends and who is next).
/// Neither document asks for e-mail addresses, so GoAlert's people carry their GoAlert name only.
/// </summary>
internal sealed class GoAlertSource(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<GoAlertSource> logger) : IOnCallSource
{
    public const string SourceName = "goalert";

    /// <summary>How far ahead a schedule's shifts are asked, to know who is next.</summary>
    public static readonly TimeSpan ShiftWindow = TimeSpan.FromDays(7);

    public static readonly string ServiceQuery = Document("service-oncall-users.graphql");

    public static readonly string ScheduleQuery = Document("schedule-shifts.graphql");

    private readonly OnCallHttp _http = new(http, logger);

    public string Name => SourceName;

    public Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken) =>
        target.Kind.ToLowerInvariant() switch
        {
            "service" => ServiceAsync(target.Id, cancellationToken),
            "schedule" => ScheduleAsync(target.Id, at, cancellationToken),
            _ => throw new OnCallSourceException(SourceName, $"cannot ask about a '{target.Kind}'; use goalert:service/<id> or goalert:schedule/<id>"),
        };

    private async Task<OnCallAnswer> ServiceAsync(string id, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.GoAlert;
        var data = await QueryAsync<ServiceData>(ServiceQuery, new JsonObject { ["id"] = id }, settings.ApiKey, $"service {id}", cancellationToken);
        var service = data.Service ?? throw new OnCallSourceException(SourceName, $"does not know service {id}");
        var now = (service.OnCallUsers ?? [])
            .Where(u => !string.IsNullOrWhiteSpace(u.UserID))
            .DistinctBy(u => u.UserID)
            // GoAlert numbers escalation steps from 0.
            .Select(u => new OnCallPerson(string.IsNullOrWhiteSpace(u.UserName) ? u.UserID! : u.UserName, null, Math.Max(0, u.StepNumber) + 1, null, SourceName))
            .OrderBy(p => p.Level)
            .ToList();
        return new OnCallAnswer(now, []);
    }

    private async Task<OnCallAnswer> ScheduleAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.GoAlert;
        var end = at + ShiftWindow;
        var variables = new JsonObject { ["id"] = id, ["start"] = Timestamp(at), ["end"] = Timestamp(end) };
        var data = await QueryAsync<ScheduleData>(ScheduleQuery, variables, string.IsNullOrWhiteSpace(settings.ScheduleApiKey) ? settings.ApiKey : settings.ScheduleApiKey, $"schedule {id}", cancellationToken);
        var schedule = data.Schedule ?? throw new OnCallSourceException(SourceName, $"does not know schedule {id}");
        var shifts = (schedule.Shifts ?? []).Where(s => s.User is { Id.Length: > 0 } && s.Start is not null && s.End is not null).ToList();
        // A truncated shift was cut at the window's end: its real end is unknown.
        OnCallPerson Person(Shift s) => new(string.IsNullOrWhiteSpace(s.User!.Name) ? s.User.Id! : s.User.Name, null, 1, s.Truncated && s.End >= end ? null : s.End, SourceName);
        var now = shifts.Where(s => s.Start <= at && s.End > at).Select(Person).DistinctBy(p => p.Name).ToList();
        var nextStart = shifts.Where(s => s.Start > at).Select(s => s.Start).Min();
        var next = shifts.Where(s => s.Start == nextStart).Select(Person).DistinctBy(p => p.Name).ToList();
        return new OnCallAnswer(now, next);
    }

    private async Task<T> QueryAsync<T>(string document, JsonObject variables, string? key, string what, CancellationToken cancellationToken)
        where T : class
    {
        var settings = options.CurrentValue.GoAlert;
        using var request = new HttpRequestMessage(HttpMethod.Post, OnCallHttp.Address(settings.BaseUrl ?? "", "api/graphql"))
        {
            Content = JsonContent.Create(new JsonObject { ["query"] = document, ["variables"] = variables }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var answer = await _http.SendAsync<GraphQlAnswer<T>>(SourceName, what, request, cancellationToken);
        if (answer.Errors is { Count: > 0 } errors)
        {
            // GraphQL reports refusals (a key made for another query, an unknown id) as errors beside a 200.
            var message = string.Join("; ", errors.Select(e => e.Message).Where(m => !string.IsNullOrWhiteSpace(m)).Take(3));
            throw new OnCallSourceException(SourceName, $"refused the query for {what}: {OnCallHttp.Excerpt(message)}");
        }
        return answer.Data ?? throw new OnCallSourceException(SourceName, $"answered {what} without data");
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    internal static string Document(string name)
    {
        using var stream = typeof(GoAlertSource).Assembly.GetManifestResourceStream($"IncidentBot.OnCall.goalert.{name}")
            ?? throw new InvalidOperationException($"The GoAlert query {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // Shapes from GoAlert's schema (graphql2/schema.graphql): Service.onCallUsers and Schedule.shifts.
    private sealed record GraphQlAnswer<T>(T? Data, List<GraphQlError>? Errors);

    private sealed record GraphQlError(string? Message);

    private sealed record ServiceData(ServiceJson? Service);

    private sealed record ServiceJson(string? Id, List<OnCallUser>? OnCallUsers);

    private sealed record OnCallUser(string? UserID, string? UserName, int StepNumber);

    private sealed record ScheduleData(ScheduleJson? Schedule);

    private sealed record ScheduleJson(string? Id, List<Shift>? Shifts);

    private sealed record Shift(UserJson? User, DateTimeOffset? Start, DateTimeOffset? End, bool Truncated);

    private sealed record UserJson(string? Id, string? Name);
}
