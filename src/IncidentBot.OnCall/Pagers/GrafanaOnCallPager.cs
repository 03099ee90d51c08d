using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IncidentBot.OnCall.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Pagers;

/// <summary>
/// Pages through Grafana OnCall's direct paging (<c>POST /api/v1/escalation/</c>): the people <c>on_call_now</c> in the
/// component's schedule (<c>GET /api/v1/schedules/{id}/</c>) are escalated to, each with their important
/// notification policy; a schedule with nobody on call pages its team. Grafana OnCall has no dedup key, so the bot
/// keeps the alert group the first page opened (it is on the incident's timeline) and a second page for the same
/// incident and service adds the people to that alert group (<c>alert_group_id</c>) instead of opening another;
/// when Grafana refuses that (the group was resolved) a new one is opened.
/// </summary>
internal sealed class GrafanaOnCallPager(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<GrafanaOnCallPager> logger) : IPager
{
    private const string Key = "OnCall:GrafanaOnCall:ApiKey";

    /// <summary>At most this many people on call are paged.</summary>
    private const int MaxPeople = 10;

    private readonly PagerHttp _http = new(http, options, logger);

    public string Name => GrafanaOnCallSource.SourceName;

    public string DisplayName => "Grafana OnCall";

    public string? CannotPage(OnCallTarget target)
    {
        if (!options.CurrentValue.GrafanaOnCall.Enabled)
        {
            return "paging through Grafana OnCall needs OnCall:GrafanaOnCall:ApiKey (an OnCall API token allowed to page)";
        }
        return string.Equals(target.Kind, "schedule", StringComparison.OrdinalIgnoreCase) ? null : $"Grafana OnCall pages a schedule's people, not a {target.Kind}";
    }

    public async Task<PageAnswer> PageAsync(PageRequest request, CancellationToken cancellationToken)
    {
        var id = request.Target.Id;
        using var get = Request(HttpMethod.Get, $"api/v1/schedules/{Uri.EscapeDataString(id)}/");
        var reply = await _http.SendAsync(Name, get, cancellationToken);
        if (!reply.Ok)
        {
            throw PagerHttp.Refused(Name, Key, $"schedule {id}", reply);
        }
        var schedule = _http.Read<ScheduleJson>(Name, $"schedule {id}", reply);
        var users = new JsonArray((schedule.OnCallNow ?? []).Where(u => !string.IsNullOrWhiteSpace(u)).Distinct(StringComparer.Ordinal).Take(MaxPeople)
            .Select(u => (JsonNode)new JsonObject { ["id"] = u, ["important"] = true }).ToArray());
        if (users.Count == 0 && string.IsNullOrWhiteSpace(schedule.TeamId))
        {
            throw new OnCallSourceException(Name, $"nobody is on call in schedule {id}, and it belongs to no team to page instead");
        }

        if (request.PreviousReference is { } group && users.Count > 0)
        {
            var added = await EscalateAsync(new JsonObject { ["alert_group_id"] = group, ["users"] = users.DeepClone() }, $"alert group {group}", cancellationToken, tolerateRefusal: true);
            if (added is not null)
            {
                return new PageAnswer(added.Id ?? group, added.Permalinks?.Web, true,
                    $"the people on call in schedule {id} were added to Grafana OnCall alert group {added.Id ?? group}, which the earlier page opened; no second alert group was opened");
            }
        }

        var page = new JsonObject { ["title"] = request.Title, ["message"] = request.Details };
        if (request.IncidentLink is not null)
        {
            page["source_url"] = request.IncidentLink;
        }
        if (users.Count > 0)
        {
            page["users"] = users;
        }
        else
        {
            page["team"] = schedule.TeamId;
        }
        var opened = await EscalateAsync(page, $"schedule {id}", cancellationToken, tolerateRefusal: false)!;
        var whom = users.Count > 0 ? $"{users.Count} on call in schedule {id}" : $"team {schedule.TeamId} (nobody is on call in schedule {id})";
        return new PageAnswer(opened!.Id ?? "?", opened.Permalinks?.Web, false, $"Grafana OnCall alert group {opened.Id} opened, paging {whom}");
    }

    /// <summary>One direct page; a 400 for an existing alert group is null when <paramref name="tolerateRefusal"/>.</summary>
    private async Task<AlertGroupJson?> EscalateAsync(JsonObject body, string what, CancellationToken cancellationToken, bool tolerateRefusal)
    {
        using var post = Request(HttpMethod.Post, "api/v1/escalation/");
        post.Content = JsonContent.Create(body);
        var reply = await _http.SendAsync(Name, post, cancellationToken);
        if (reply.Ok)
        {
            return _http.Read<AlertGroupJson>(Name, what, reply);
        }
        if (tolerateRefusal && reply.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            logger.LogInformation("Grafana OnCall would not add people to {OnCallWhat} ({OnCallProblem}); a new alert group is opened", what, PagerHttp.Said(reply) ?? reply.Status.ToString());
            return null;
        }
        throw PagerHttp.Refused(Name, Key, what, reply);
    }

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery)
    {
        var settings = options.CurrentValue.GrafanaOnCall;
        var request = new HttpRequestMessage(method, OnCallHttp.Address(settings.BaseUrl ?? "", pathAndQuery));
        request.Headers.TryAddWithoutValidation("Authorization", settings.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    // Grafana OnCall's published schedule (on_call_now, team_id) and the alert group the escalation endpoint answers.
    private sealed record ScheduleJson(string? Id, [property: JsonPropertyName("team_id")] string? TeamId, [property: JsonPropertyName("on_call_now")] List<string>? OnCallNow);

    private sealed record AlertGroupJson(string? Id, string? State, PermalinksJson? Permalinks);

    private sealed record PermalinksJson(string? Web);
}
