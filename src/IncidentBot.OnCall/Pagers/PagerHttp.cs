using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.OnCall.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall.Pagers;

/// <summary>
/// What the four pagers share: each call within <c>OnCall:Timeout</c> (as the on-call sources), the answer read with
/// <see cref="OnCallHttp.MaxResponseBytes"/> as the limit whatever its status, and refusals turned into
/// <see cref="OnCallSourceException"/>s whose problem a person can act on, with the pager's own words (cut to 200
/// characters) when it gave some. API keys and bodies are never logged.
/// </summary>
internal sealed class PagerHttp(HttpClient http, IOptionsMonitor<OnCallOptions> options, ILogger logger)
{
    /// <summary>An answer of any status, its body read.</summary>
    public sealed record Reply(HttpStatusCode Status, byte[] Body)
    {
        public bool Ok => (int)Status is >= 200 and < 300;

        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    public TimeSpan Timeout => options.CurrentValue.Timeout;

    /// <summary>Sends <paramref name="request"/>; a 429, an unreachable pager and a pager slower than <c>OnCall:Timeout</c> throw.</summary>
    public async Task<Reply> SendAsync(string pager, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var timeout = Timeout;
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, call.Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = OnCallHttp.RetryAfter(response);
                throw new OnCallSourceException(pager, $"rate limited (429); try again in {wait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", wait,
                    new HttpRequestException($"{pager} answered 429", null, response.StatusCode));
            }
            return new Reply(response.StatusCode, await OnCallHttp.ReadLimitedAsync(pager, response.Content, call.Token));
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Pager {Pager} could not be reached at {OnCallHost}: {OnCallProblem}", pager, request.RequestUri?.Host, ex.Message);
            throw new OnCallSourceException(pager, $"could not be reached ({ex.HttpRequestError})", inner: ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OnCallSourceException(pager, $"did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
                inner: new TimeoutException(ex.Message, ex));
        }
    }

    /// <summary>A successful answer's JSON as <typeparamref name="T"/>.</summary>
    public T Read<T>(string pager, string what, Reply reply)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(reply.Body, OnCallHttp.Json) ?? throw new JsonException("the answer was JSON null");
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Pager {Pager} answered {OnCallWhat} with JSON that could not be read: {OnCallProblem}", pager, what, ex.Message);
            throw new OnCallSourceException(pager, $"answered {what} with JSON that could not be read", inner: ex);
        }
    }

    /// <summary>A refusal, worded by its status, with what the pager said.</summary>
    /// <param name="keySetting">The setting that holds the key the pager refused, e.g. <c>OnCall:PagerDuty:ApiKey</c>.</param>
    public static OnCallSourceException Refused(string pager, string keySetting, string what, Reply reply)
    {
        var status = (int)reply.Status;
        var said = Said(reply) is { } text ? $": {text}" : "";
        var inner = new HttpRequestException($"{pager} answered {status}", null, reply.Status);
        return reply.Status switch
        {
            HttpStatusCode.Unauthorized => new OnCallSourceException(pager, $"refused the API key ({status}); check {keySetting}", inner: inner),
            HttpStatusCode.Forbidden => new OnCallSourceException(pager, $"refused to page {what} ({status}); the API key may only read, or may not see it{said}", inner: inner),
            HttpStatusCode.NotFound => new OnCallSourceException(pager, $"does not know {what} ({status}){said}", inner: inner),
            _ when status >= 500 => new OnCallSourceException(pager, $"failed ({status}) while paging {what}", inner: inner),
            _ => new OnCallSourceException(pager, $"refused the page for {what} ({status}){said}", inner: inner),
        };
    }

    /// <summary>The pager's own words in an error body (<c>message</c>, <c>detail</c>, <c>error.message</c>, <c>errors</c>), cut short; null when none.</summary>
    public static string? Said(Reply reply)
    {
        try
        {
            var node = JsonNode.Parse(reply.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 16 });
            var parts = new List<string?>
            {
                Text(node?["message"]), Text(node?["detail"]), Text(node?["error"]?["message"]),
            };
            foreach (var errors in new[] { node?["errors"], node?["error"]?["errors"] })
            {
                if (errors is JsonArray list)
                {
                    parts.AddRange(list.Take(3).Select(e => e is JsonObject o ? Text(o["message"]) : Text(e)));
                }
            }
            var words = string.Join("; ", parts.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct());
            return words.Length == 0 ? null : OnCallHttp.Excerpt(words);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
