using System.Text.RegularExpressions;

namespace IncidentBot.Telemetry;

/// <summary>
/// Counts every call a chat adapter makes, by platform, API method and HTTP status, so rate limits and outages
/// of Slack, Teams or Graph show on a dashboard before anyone asks why messages are late.
/// </summary>
public sealed partial class ChatApiMetricsHandler : DelegatingHandler
{
    private readonly BotMetrics _metrics;
    private readonly string _platform;

    public ChatApiMetricsHandler(BotMetrics metrics, string platform, HttpMessageHandler inner)
        : base(inner)
    {
        _metrics = metrics;
        _platform = platform;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = MethodOf(request);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            _metrics.ChatApiCalled(_platform, method, (int)response.StatusCode);
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // No status: the call failed before an answer (connection refused, timeout).
            _metrics.ChatApiCalled(_platform, method, 0);
            throw;
        }
    }

    /// <summary>
    /// The API method without identifiers, so the label stays small: Slack's <c>chat.postMessage</c>, or a
    /// REST route such as <c>PUT v3/conversations/{id}/activities/{id}</c> for the Bot Connector and Graph.
    /// </summary>
    public static string MethodOf(HttpRequestMessage request)
    {
        var segments = (request.RequestUri?.AbsolutePath ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is [.., var last] && SlackMethod().IsMatch(last) && last.Contains('.', StringComparison.Ordinal))
        {
            return last;
        }
        var route = string.Join('/', segments.Select(s => Word().IsMatch(s) ? s : "{id}"));
        return $"{request.Method.Method} {route}";
    }

    // Slack's Web API methods are dotted words after /api/ (chat.postMessage, conversations.create).
    [GeneratedRegex("^[a-z]+(\\.[a-zA-Z]+)+$")]
    private static partial Regex SlackMethod();

    // A route word (conversations, activities, channels) or an API version (v3, v1.0); anything else is an id.
    [GeneratedRegex("^(\\.?[a-zA-Z][a-zA-Z-]*|v\\d+(\\.\\d+)?|oauth2)$")]
    private static partial Regex Word();
}
