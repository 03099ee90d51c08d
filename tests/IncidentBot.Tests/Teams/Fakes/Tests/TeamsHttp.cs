using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>Bare HTTP calls to the Teams fakes, as any client would make them.</summary>
internal static class TeamsHttp
{
    public const string ClientId = "app-1";
    public const string Secret = "s3cret";
    public const string Channel = "19:incidents@thread.tacv2";

    private static readonly HttpClient Http = new();

    public static async Task<Answer> RequestTokenAsync(Uri endpoint, Dictionary<string, string> form)
    {
        using var response = await Http.PostAsync(endpoint, new FormUrlEncodedContent(form));
        return await ReadAsync(response);
    }

    public static Dictionary<string, string> ClientCredentials(string scope, string clientId = ClientId, string secret = Secret) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = clientId,
        ["client_secret"] = secret,
        ["scope"] = scope,
    };

    public static async Task<string> TokenAsync(FakeEntraToken tokens, string scope)
    {
        var answer = await RequestTokenAsync(tokens.TokenEndpoint, ClientCredentials(scope));
        return (string)answer.Body!["access_token"]!;
    }

    public static async Task<Answer> SendAsync(HttpMethod method, Uri url, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        return await ReadAsync(response);
    }

    /// <summary>ConversationParameters that start a new thread in <paramref name="channelId"/>, as TeamsInfo.SendMessageToTeamsChannelAsync sends them.</summary>
    public static object NewThread(string channelId, string text) => new
    {
        isGroup = true,
        channelData = new { channel = new { id = channelId } },
        activity = new { type = "message", text },
        bot = new { id = "28:" + ClientId },
        tenantId = "tenant-1",
    };

    private static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return new(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject(), response.Headers.RetryAfter?.Delta);
    }

    public sealed record Answer(HttpStatusCode Status, JsonObject? Body, TimeSpan? RetryAfter)
    {
        /// <summary>The <c>error.code</c> of a Connector or Graph error body.</summary>
        public string? ErrorCode => (string?)Body?["error"]?["code"];
    }
}
