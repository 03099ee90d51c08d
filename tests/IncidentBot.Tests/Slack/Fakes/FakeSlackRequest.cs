using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>Reads Web API arguments and the bearer token the way Slack accepts them.</summary>
internal static class FakeSlackRequest
{
    /// <summary>Query, JSON and form arguments merged into one object; form values stay strings, as Slack sees them.</summary>
    /// <exception cref="JsonException">The JSON body is malformed or not an object.</exception>
    public static async Task<JsonObject> ReadArgumentsAsync(HttpRequest request)
    {
        var args = new JsonObject();
        foreach (var (key, value) in request.Query)
        {
            args[key] = value.ToString();
        }

        if (request.HasJsonContentType())
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            if (body.Length > 0)
            {
                var json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("The body is not a JSON object.");
                foreach (var (key, value) in json)
                {
                    args[key] = value?.DeepClone();
                }
            }
        }
        else if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync())
            {
                args[key] = value.ToString();
            }
        }

        return args;
    }

    /// <summary>Slack warns, without failing, when a JSON body does not declare its charset.</summary>
    public static bool LacksCharset(HttpRequest request) =>
        request.HasJsonContentType() && !(request.ContentType ?? "").Contains("charset=", StringComparison.OrdinalIgnoreCase);

    public static string? AuthError(HttpRequest request, string method, FakeSlackOptions options)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return "not_authed";
        }

        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return "invalid_auth";
        }

        var token = header[Scheme.Length..].Trim();
        var expected = method == "apps.connections.open" ? options.AppToken : options.BotToken;
        if (token == expected)
        {
            return null;
        }

        // A genuine token of the other kind (bot token for Socket Mode, app token for chat) is refused by type.
        return token == options.AppToken || token == options.BotToken ? "not_allowed_token_type" : "invalid_auth";
    }

    public static string? Arg(JsonObject args, string name) => args[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => other.ToJsonString(),
    };
}
