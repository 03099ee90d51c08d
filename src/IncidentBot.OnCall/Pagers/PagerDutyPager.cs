using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IncidentBot.OnCall.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Pagers;

/// <summary>
/// Pages through PagerDuty's REST API: <c>POST /incidents</c> on the component's service (<c>pagerduty.com/service-id</c>
/// or <c>pagerduty:service/…</c>), or on the first service of an escalation policy (<c>GET /escalation_policies/{id}</c>)
/// with that policy named, so it is the policy that is paged. PagerDuty needs a <c>From</c> header naming a PagerDuty
/// user (<c>OnCall:PagerDuty:From</c>). The dedup key is the incident's <c>incident_key</c>: PagerDuty refuses a second
/// incident with the same key on the same service while the first is open (400, "matching dedup key already exists");
/// the bot then reads that open incident (<c>GET /incidents?incident_key=…</c>) and names it. The REST API was chosen
/// over the Events API v2 because it needs no per-service integration key: the service id the catalog already
/// holds is enough.
/// </summary>
internal sealed class PagerDutyPager(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<PagerDutyPager> logger) : IPager
{
    private const string Key = "OnCall:PagerDuty:ApiKey";

    private readonly PagerHttp _http = new(http, options, logger);

    public string Name => PagerDutySource.SourceName;

    public string DisplayName => "PagerDuty";

    public string? CannotPage(OnCallTarget target)
    {
        var settings = options.CurrentValue.PagerDuty;
        if (!settings.Enabled || string.IsNullOrWhiteSpace(settings.From))
        {
            return "paging through PagerDuty needs OnCall:PagerDuty:ApiKey (a REST API key that may create incidents) and OnCall:PagerDuty:From (the e-mail of the PagerDuty user pages are made as)";
        }
        return target.Kind.ToLowerInvariant() is "service" or "escalation-policy"
            ? null
            : $"PagerDuty pages a service, not a {target.Kind}: add `pagerduty.com/service-id` (or `pagerduty:service/<id>` in `incidentbot.io/oncall`)";
    }

    public async Task<PageAnswer> PageAsync(PageRequest request, CancellationToken cancellationToken)
    {
        var policy = string.Equals(request.Target.Kind, "escalation-policy", StringComparison.OrdinalIgnoreCase) ? request.Target.Id : null;
        var service = policy is null ? request.Target.Id : await ServiceOfPolicyAsync(policy, cancellationToken);
        var incident = new JsonObject
        {
            ["type"] = "incident",
            ["title"] = request.Title,
            ["service"] = new JsonObject { ["id"] = service, ["type"] = "service_reference" },
            ["body"] = new JsonObject { ["type"] = "incident_body", ["details"] = request.Details },
        };
        if (policy is not null)
        {
            incident["escalation_policy"] = new JsonObject { ["id"] = policy, ["type"] = "escalation_policy_reference" };
        }
        if (request.DedupKey is not null)
        {
            incident["incident_key"] = request.DedupKey;
        }
        using var post = Request(HttpMethod.Post, "incidents");
        post.Content = JsonContent.Create(new JsonObject { ["incident"] = incident });
        var reply = await _http.SendAsync(Name, post, cancellationToken);
        if (reply.Ok)
        {
            var created = _http.Read<IncidentAnswer>(Name, $"service {service}", reply).Incident ?? throw new OnCallSourceException(Name, "answered the page without an incident");
            return Answer(created, service, duplicate: false);
        }
        if (reply.Status == HttpStatusCode.BadRequest && request.DedupKey is not null && reply.Text.Contains("dedup key already exists", StringComparison.OrdinalIgnoreCase))
        {
            return Answer(await OpenIncidentAsync(request.DedupKey, service, cancellationToken), service, duplicate: true);
        }
        throw PagerHttp.Refused(Name, Key, $"service {service}", reply);
    }

    private static PageAnswer Answer(IncidentJson incident, string service, bool duplicate)
    {
        var name = incident.IncidentNumber is { } number ? $"PagerDuty incident #{number}" : $"PagerDuty incident {incident.Id}";
        return new PageAnswer(incident.Id ?? "?", incident.HtmlUrl, duplicate, duplicate
            ? $"{name} is already open for this page on service {service}; PagerDuty made no second one"
            : $"{name} opened on service {service}");
    }

    /// <summary>The open incident with <paramref name="key"/>, the one PagerDuty kept the page to.</summary>
    private async Task<IncidentJson> OpenIncidentAsync(string key, string service, CancellationToken cancellationToken)
    {
        using var get = Request(HttpMethod.Get, $"incidents?incident_key={Uri.EscapeDataString(key)}&service_ids[]={Uri.EscapeDataString(service)}&statuses[]=triggered&statuses[]=acknowledged&limit=1");
        var reply = await _http.SendAsync(Name, get, cancellationToken);
        if (!reply.Ok)
        {
            throw PagerHttp.Refused(Name, Key, $"the open incident with key {key}", reply);
        }
        return _http.Read<IncidentsAnswer>(Name, "the open incident", reply).Incidents?.FirstOrDefault()
            ?? new IncidentJson(key, null, null);
    }

    private async Task<string> ServiceOfPolicyAsync(string policy, CancellationToken cancellationToken)
    {
        using var get = Request(HttpMethod.Get, $"escalation_policies/{Uri.EscapeDataString(policy)}");
        var reply = await _http.SendAsync(Name, get, cancellationToken);
        if (!reply.Ok)
        {
            throw PagerHttp.Refused(Name, Key, $"escalation policy {policy}", reply);
        }
        return _http.Read<PolicyAnswer>(Name, $"escalation policy {policy}", reply).EscalationPolicy?.Services?.Select(s => s.Id).FirstOrDefault(id => !string.IsNullOrWhiteSpace(id))
            ?? throw new OnCallSourceException(Name, $"escalation policy {policy} serves no service, and PagerDuty pages a service: add `pagerduty.com/service-id`");
    }

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery)
    {
        var settings = options.CurrentValue.PagerDuty;
        var request = new HttpRequestMessage(method, OnCallHttp.Address(settings.BaseUrl ?? "", pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", "token=" + settings.ApiKey);
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.pagerduty+json;version=2");
        request.Headers.TryAddWithoutValidation("From", settings.From?.Trim());
        return request;
    }

    // Field names PagerDuty publishes for POST /incidents, GET /incidents and GET /escalation_policies/{id}.
    private sealed record IncidentAnswer(IncidentJson? Incident);

    private sealed record IncidentsAnswer(List<IncidentJson>? Incidents);

    private sealed record IncidentJson(
        string? Id,
        [property: JsonPropertyName("incident_number")] int? IncidentNumber,
        [property: JsonPropertyName("html_url")] string? HtmlUrl);

    private sealed record PolicyAnswer([property: JsonPropertyName("escalation_policy")] PolicyJson? EscalationPolicy);

    private sealed record PolicyJson(List<Reference>? Services);

    private sealed record Reference(string? Id);
}
