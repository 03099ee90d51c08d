using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace IncidentBot.OnCall.Sources;

/// <summary>
/// What the four on-call sources share: one call, its failures turned into <see cref="OnCallSourceException"/>s
/// that say what a person can do about them, and bodies read with a size limit before JSON parsing, so a proxy's
/// error page or a runaway answer never reaches the parser whole. API keys are never logged.
/// </summary>
internal sealed class OnCallHttp(HttpClient http, ILogger logger)
{
    /// <summary>The largest answer read from a source; on-call answers are a few kilobytes.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>Used when a source answers 429 without saying how long to wait.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(60);

    /// <summary>A name given twice is refused: which of the two a reader takes is a guess, and guesses name the wrong commander.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 32, AllowDuplicateProperties = false };

    /// <summary>Sends <paramref name="request"/> and reads its JSON answer as <typeparamref name="T"/>.</summary>
    /// <param name="source">The source's name, for messages.</param>
    /// <param name="what">What was asked, for messages (e.g. <c>schedule S1</c>).</param>
    public async Task<T> SendAsync<T>(string source, string what, HttpRequestMessage request, CancellationToken cancellationToken)
        where T : class
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("On-call source {OnCallSource} could not be reached at {OnCallHost}: {OnCallProblem}", source, request.RequestUri?.Host, ex.Message);
            throw new OnCallSourceException(source, $"could not be reached ({ex.HttpRequestError})", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OnCallSourceException(source, "did not answer in time", inner: new TimeoutException(ex.Message, ex));
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Refusal(source, what, response);
            }
            var body = await ReadLimitedAsync(source, response.Content, cancellationToken);
            try
            {
                return JsonSerializer.Deserialize<T>(body, Json) ?? throw new JsonException("the answer was JSON null");
            }
            catch (JsonException ex)
            {
                logger.LogWarning("On-call source {OnCallSource} answered {OnCallWhat} with JSON that could not be read: {OnCallProblem}", source, what, ex.Message);
                throw new OnCallSourceException(source, $"answered {what} with JSON that could not be read", inner: ex);
            }
        }
    }

    /// <summary>A failed status as an exception whose inner <see cref="HttpRequestException"/> carries the status.</summary>
    private static OnCallSourceException Refusal(string source, string what, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var inner = new HttpRequestException($"{source} answered {status}", null, response.StatusCode);
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => RateLimited(source, response, inner),
            HttpStatusCode.Unauthorized => new OnCallSourceException(source, $"refused the API key ({status}); check OnCall's ApiKey for {source}", inner: inner),
            HttpStatusCode.Forbidden => new OnCallSourceException(source, $"refused access to {what} ({status}); the API key may not see it", inner: inner),
            HttpStatusCode.NotFound => new OnCallSourceException(source, $"does not know {what} ({status})", inner: inner),
            _ => new OnCallSourceException(source, $"answered {status} for {what}", inner: inner),
        };
    }

    private static OnCallSourceException RateLimited(string source, HttpResponseMessage response, Exception inner)
    {
        var wait = RetryAfter(response);
        return new OnCallSourceException(source, $"rate limited (429); retry after {wait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", wait, inner);
    }

    /// <summary>
    /// How long a 429 asks to wait: <c>Retry-After</c> (seconds or a date), else Opsgenie's
    /// <c>X-RateLimit-Period-In-Sec</c>, else <see cref="DefaultRetryAfter"/>; at least one second, at most an hour.
    /// </summary>
    public static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        TimeSpan? wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        if (wait is null && response.Headers.TryGetValues("X-RateLimit-Period-In-Sec", out var periods)
            && int.TryParse(periods.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            wait = TimeSpan.FromSeconds(seconds);
        }
        var value = wait ?? DefaultRetryAfter;
        return value < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : value > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : value;
    }

    /// <summary>The body, refused when it says or turns out to be larger than <see cref="MaxResponseBytes"/>.</summary>
    internal static async Task<byte[]> ReadLimitedAsync(string source, HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            throw TooLarge(source);
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw TooLarge(source);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static OnCallSourceException TooLarge(string source) =>
        new(source, $"answered with more than {MaxResponseBytes / 1024} KiB; the answer was not read", inner: new InvalidDataException("response too large"));

    /// <summary>The first of <paramref name="candidates"/> with text in it, or null: how a person's name is chosen from what a source gave.</summary>
    public static string? FirstText(params string?[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));

    /// <summary>Text from a source, for a problem shown on the timeline: control characters blanked, at most 200 characters.</summary>
    public static string Excerpt(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return clean.Length <= 200 ? clean : clean[..200] + "…";
    }

    /// <summary>An absolute address under the source's base URL.</summary>
    public static Uri Address(string baseUrl, string pathAndQuery) => new(baseUrl.TrimEnd('/') + "/" + pathAndQuery.TrimStart('/'));
}
