using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>An HTTP answer decided under a fake's lock and written after it is released.</summary>
internal sealed record FakeAnswer(int Status, JsonNode? Body, int? RetryAfterSeconds = null)
{
    /// <summary>The <c>{"error":{"code","message"}}</c> shape both the Connector and Graph use.</summary>
    public static FakeAnswer Error(int status, string code, string message, int? retryAfterSeconds = null) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, retryAfterSeconds);

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>The request body as a JSON object, or null when it is empty or not an object, so handlers answer 400 instead of throwing.</summary>
    public static async Task<JsonObject?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        if (RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (Body is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(Body.ToJsonString(), response.HttpContext.RequestAborted);
        }
    }
}
