using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Api;

/// <summary>
/// Calls Slack's Web API (<c>POST {ApiBaseUrl}{method}</c> with JSON), inside Slack's rate limits. Every answer is
/// checked for <c>ok</c>; failures become <see cref="SlackApiException"/> with Slack's error code. Retrying is left
/// to the durable outbox, so nothing waits in memory across a restart.
/// </summary>
public sealed partial class SlackWebApiClient(HttpClient http, IOptions<SlackOptions> options, ILogger<SlackWebApiClient> logger)
{
    private readonly SlackRateLimits _limits = new();

    /// <summary>Calls a method with the bot token.</summary>
    public Task<JsonObject> CallAsync(string method, JsonObject arguments, CancellationToken cancellationToken) =>
        CallAsync(method, arguments, options.Value.BotToken!, cancellationToken);

    /// <summary>Calls a method with the given token (the app-level token for <c>apps.connections.open</c>).</summary>
    public async Task<JsonObject> CallAsync(string method, JsonObject arguments, string token, CancellationToken cancellationToken)
    {
        using var slot = await _limits.WaitAsync(method, arguments["channel"]?.GetValue<string>(), cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.Value.ApiBaseUrl.TrimEnd('/') + "/"), method))
        {
            Content = FormOf(arguments),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SlackApiException(method, "connection_failed", inner: ex);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                logger.LogWarning("Slack rate-limited {Method}; waiting {Wait}", method, wait);
                throw new SlackApiException(method, "ratelimited", wait);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new SlackApiException(method, (int)response.StatusCode >= 500 ? "service_unavailable" : $"http_{(int)response.StatusCode}");
            }
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
            if (body["ok"]?.GetValue<bool>() != true)
            {
                throw new SlackApiException(method, body["error"]?.GetValue<string>() ?? "unknown_error");
            }
            return body;
        }
    }

    /// <summary>Answers through an interaction's <c>response_url</c> (no token: the URL itself is the credential).</summary>
    public async Task RespondAsync(string responseUrl, JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(responseUrl, body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Slack response_url answered {Status}", (int)response.StatusCode);
        }
    }

    /// <summary>
    /// Form-encoded, because Slack's read methods (users.info, users.lookupByEmail) accept nothing else; nested
    /// values (blocks, views) go as JSON strings, which every method accepts.
    /// </summary>
    private static FormUrlEncodedContent FormOf(JsonObject arguments) =>
        new(arguments.Where(a => a.Value is not null).Select(a => new KeyValuePair<string, string>(
            a.Key, a.Value is JsonValue value && value.TryGetValue<string>(out var text) ? text : a.Value!.ToJsonString())));
}
