using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IncidentBot.OnCall.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Pagers;

/// <summary>
/// Pages through GoAlert's GraphQL <c>createAlert</c> mutation on the component's service (<c>goalert:service/…</c>).
/// GoAlert runs a key only with the document it was made for, so paging has a key of its own
/// (<c>OnCall:GoAlert:PageApiKey</c>, made for docs/goalert/create-alert.graphql). The dedup key is the alert's
/// <c>dedup</c>: while an alert with it is open on the service, GoAlert answers with that alert instead of a new one.
/// </summary>
internal sealed class GoAlertPager(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger<GoAlertPager> logger) : IPager
{
    private const string Key = "OnCall:GoAlert:PageApiKey";

    public static readonly string CreateAlertDocument = GoAlertSource.Document("create-alert.graphql");

    private readonly PagerHttp _http = new(http, options, logger);

    public string Name => GoAlertSource.SourceName;

    public string DisplayName => "GoAlert";

    public string? CannotPage(OnCallTarget target)
    {
        var settings = options.CurrentValue.GoAlert;
        if (string.IsNullOrWhiteSpace(settings.BaseUrl) || string.IsNullOrWhiteSpace(settings.PageApiKey))
        {
            return "paging through GoAlert needs OnCall:GoAlert:BaseUrl and OnCall:GoAlert:PageApiKey (a key made for docs/goalert/create-alert.graphql)";
        }
        return string.Equals(target.Kind, "service", StringComparison.OrdinalIgnoreCase) ? null : $"GoAlert pages a service, not a {target.Kind}: use `goalert:service/<id>`";
    }

    public async Task<PageAnswer> PageAsync(PageRequest request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.GoAlert;
        var input = new JsonObject
        {
            ["serviceID"] = request.Target.Id,
            ["summary"] = request.Title,
            ["details"] = request.Details,
            ["sanitize"] = true,
        };
        if (request.DedupKey is not null)
        {
            input["dedup"] = request.DedupKey;
        }
        using var post = new HttpRequestMessage(HttpMethod.Post, OnCallHttp.Address(settings.BaseUrl ?? "", "api/graphql"))
        {
            Content = JsonContent.Create(new JsonObject { ["query"] = CreateAlertDocument, ["variables"] = new JsonObject { ["input"] = input } }),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.PageApiKey);
        var what = $"service {request.Target.Id}";
        var reply = await _http.SendAsync(Name, post, cancellationToken);
        if (!reply.Ok)
        {
            throw PagerHttp.Refused(Name, Key, what, reply);
        }
        var answer = _http.Read<GraphQlAnswer>(Name, what, reply);
        if (answer.Errors is { Count: > 0 } errors)
        {
            var message = string.Join("; ", errors.Select(e => e.Message).Where(m => !string.IsNullOrWhiteSpace(m)).Take(3));
            throw new OnCallSourceException(Name, $"refused the page for {what}: {OnCallHttp.Excerpt(message)}");
        }
        var alert = answer.Data?.CreateAlert ?? throw new OnCallSourceException(Name, $"answered the page for {what} without an alert");
        var id = alert.AlertID.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new PageAnswer(id, OnCallHttp.Address(settings.BaseUrl ?? "", $"alerts/{id}").ToString(), false, $"GoAlert alert #{id} ({alert.Status ?? "unknown"}) on {what}");
    }

    // GoAlert's schema: createAlert(input: CreateAlertInput!): Alert, with Alert.alertID and Alert.status.
    private sealed record GraphQlAnswer(DataJson? Data, List<ErrorJson>? Errors);

    private sealed record DataJson(AlertJson? CreateAlert);

    private sealed record AlertJson(int AlertID, string? Status);

    private sealed record ErrorJson(string? Message);
}
