using System.Diagnostics;
using IncidentBot.Alerts.Sources;
using IncidentBot.Webhooks;

namespace IncidentBot.Telemetry;

/// <summary>
/// Counts and times every webhook request by alert source and outcome, whatever the endpoint answered, so a
/// failing sender or a refusing bot shows on the dashboard.
/// </summary>
internal sealed class WebhookMetricsFilter(BotMetrics metrics, IEnumerable<IAlertNormalizer> normalizers) : IEndpointFilter
{
    private readonly HashSet<string> _sources = normalizers.Select(n => n.Source).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await next(context);
        // The endpoint answers a union of typed results; the one inside says what was sent.
        var result = answer is INestedHttpResult nested ? nested.Result : answer;
        var requested = context.HttpContext.GetRouteValue("source") as string ?? "";
        // Unknown names would let any caller mint label values; they are counted together instead.
        var source = _sources.Contains(requested) ? requested.ToLowerInvariant() : "unknown";
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : context.HttpContext.Response.StatusCode;
        metrics.WebhookAnswered(source, Outcome(status), Stopwatch.GetElapsedTime(started));
        if (result is IValueHttpResult { Value: WebhookEndpoints.AcceptedAlerts accepted })
        {
            metrics.AlertsAccepted(source, accepted.Accepted);
        }
        return answer;
    }

    private static string Outcome(int status) => status switch
    {
        StatusCodes.Status202Accepted => "accepted",
        StatusCodes.Status200OK => "confirmed",
        StatusCodes.Status400BadRequest => "invalid",
        StatusCodes.Status401Unauthorized => "unauthenticated",
        StatusCodes.Status404NotFound => "unknown_source",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        _ => $"status_{status}",
    };
}
