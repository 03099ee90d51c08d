using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IncidentBot.OnCall.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Pagers;

/// <summary>
/// Pages through Opsgenie's Alert API: <c>POST /v2/alerts</c> with the component's schedule or team as
/// <c>responders</c> (opsgenie-oas <c>CreateAlertPayload</c>). The dedup key is the alert's <c>alias</c>, Opsgenie's
/// own deduplication key; before creating, the bot asks <c>GET /v2/alerts/{alias}?identifierType=alias</c>, and an
/// alert with that alias still open is the page already made: it is named and nothing is sent again. Opsgenie
/// creates alerts asynchronously (202 and a request id), so the reply names the request.
/// </summary>
internal sealed class OpsgeniePager(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<OpsgeniePager> logger) : IPager
{
    private const string Key = "OnCall:Opsgenie:ApiKey";

    private readonly PagerHttp _http = new(http, options, logger);

    public string Name => OpsgenieSource.SourceName;

    public string DisplayName => "Opsgenie";

    public string? CannotPage(OnCallTarget target)
    {
        if (!options.CurrentValue.Opsgenie.Enabled)
        {
            return "paging through Opsgenie needs OnCall:Opsgenie:ApiKey (an API integration key that may create alerts)";
        }
        return target.Kind.ToLowerInvariant() is "schedule" or "team" ? null : $"Opsgenie pages a schedule or a team, not a {target.Kind}";
    }

    public async Task<PageAnswer> PageAsync(PageRequest request, CancellationToken cancellationToken)
    {
        var what = $"{request.Target.Kind} {request.Target.Id}";
        if (request.DedupKey is not null && await OpenAlertAsync(request.DedupKey, cancellationToken) is { } open)
        {
            return new PageAnswer(open.TinyId ?? open.Id ?? request.DedupKey, null, true,
                $"Opsgenie alert #{open.TinyId ?? open.Id} is already open for this page; nothing was sent again");
        }
        var payload = new JsonObject
        {
            ["message"] = request.Title,
            ["description"] = request.Details,
            ["responders"] = new JsonArray(Responder(request.Target)),
            ["entity"] = request.Service,
            ["source"] = "IncidentBot",
            ["tags"] = new JsonArray("incidentbot"),
            ["priority"] = "P1",
        };
        if (request.DedupKey is not null)
        {
            payload["alias"] = request.DedupKey;
        }
        var details = new JsonObject { ["service"] = request.Service };
        if (request.IncidentReference is not null)
        {
            details["incident"] = request.IncidentReference;
        }
        if (request.IncidentLink is not null)
        {
            details["incidentLink"] = request.IncidentLink;
        }
        payload["details"] = details;
        using var post = Request(HttpMethod.Post, "v2/alerts");
        post.Content = JsonContent.Create(payload);
        var reply = await _http.SendAsync(Name, post, cancellationToken);
        if (!reply.Ok)
        {
            throw PagerHttp.Refused(Name, Key, what, reply);
        }
        var accepted = _http.Read<Accepted>(Name, what, reply);
        return new PageAnswer(accepted.RequestId ?? "?", null, false, $"Opsgenie accepted the alert for {what} (request {accepted.RequestId})");
    }

    /// <summary>A schedule or team by id when it is a GUID, else by name, as Opsgenie's <c>Recipient</c>.</summary>
    private static JsonObject Responder(OnCallTarget target)
    {
        var type = target.Kind.ToLowerInvariant();
        return Guid.TryParse(target.Id, out _)
            ? new JsonObject { ["type"] = type, ["id"] = target.Id }
            : new JsonObject { ["type"] = type, ["name"] = target.Id };
    }

    private async Task<AlertJson?> OpenAlertAsync(string alias, CancellationToken cancellationToken)
    {
        using var get = Request(HttpMethod.Get, $"v2/alerts/{Uri.EscapeDataString(alias)}?identifierType=alias");
        var reply = await _http.SendAsync(Name, get, cancellationToken);
        if (reply.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!reply.Ok)
        {
            throw PagerHttp.Refused(Name, Key, $"the alert {alias}", reply);
        }
        var alert = _http.Read<AlertAnswer>(Name, $"the alert {alias}", reply).Data;
        return string.Equals(alert?.Status, "open", StringComparison.OrdinalIgnoreCase) ? alert : null;
    }

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery)
    {
        var settings = options.CurrentValue.Opsgenie;
        var request = new HttpRequestMessage(method, OnCallHttp.Address(settings.BaseUrl ?? "", pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("GenieKey", settings.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    // opsgenie-oas: SuccessResponse (result, took, requestId) and GetAlertResponse's BaseAlert (id, tinyId, status).
    private sealed record Accepted(string? Result, string? RequestId);

    private sealed record AlertAnswer(AlertJson? Data);

    private sealed record AlertJson(string? Id, string? TinyId, string? Status);
}
