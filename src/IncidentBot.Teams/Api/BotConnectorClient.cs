using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Teams.Api;

/// <summary>
/// The Bot Connector REST API at a conversation's service URL: start a thread in a channel, post, reply and
/// update activities, and read one member of a conversation. Every call carries a client-credentials token; a
/// refused token is fetched again once. A call to an address outside <c>Teams:AllowedServiceUrls</c> is refused
/// before a token is even fetched.
/// </summary>
public sealed class BotConnectorClient(HttpClient http, BotTokenProvider tokens, ServiceUrlAllowList allowList, ILogger<BotConnectorClient> logger)
{
    /// <summary>Starts a new thread in a channel; returns the thread's conversation id and its first activity's id.</summary>
    public async Task<(string ConversationId, string ActivityId)> CreateThreadAsync(string serviceUrl, string channelId, string? tenantId, string botId, JsonObject activity, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["isGroup"] = true,
            ["channelData"] = new JsonObject { ["channel"] = new JsonObject { ["id"] = channelId } },
            ["activity"] = activity,
            ["bot"] = new JsonObject { ["id"] = $"28:{botId}" },
            ["tenantId"] = tenantId,
        };
        var created = await SendAsync(HttpMethod.Post, serviceUrl, "v3/conversations", body, "create conversation", cancellationToken);
        return (created["id"]!.GetValue<string>(), created["activityId"]?.GetValue<string>() ?? "");
    }

    /// <summary>Posts into a conversation (a channel thread); returns the new activity's id.</summary>
    public async Task<string> SendAsync(string serviceUrl, string conversationId, JsonObject activity, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities", activity, "send", cancellationToken))["id"]?.GetValue<string>() ?? "";

    /// <summary>Replaces an activity the bot posted (a card updated in place).</summary>
    public Task UpdateAsync(string serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken cancellationToken)
    {
        activity["id"] = activityId;
        return SendAsync(HttpMethod.Put, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}", activity, "update", cancellationToken);
    }

    /// <summary>
    /// One member of a conversation as Teams describes them (a <c>TeamsChannelAccount</c>: <c>id</c>, <c>name</c>,
    /// <c>aadObjectId</c>, <c>email</c>, <c>userPrincipalName</c>, …). Throws <see cref="TeamsApiException"/> with
    /// the status when Teams does not know them there (404) or refuses (403).
    /// </summary>
    public Task<JsonObject> GetMemberAsync(string serviceUrl, string conversationId, string userId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/members/{Uri.EscapeDataString(userId)}", null, "get member", cancellationToken);

    /// <summary>
    /// One page of a conversation's (a team's) members: <c>GET /v3/conversations/{id}/pagedmembers</c>, each a
    /// <c>TeamsChannelAccount</c>, and the token for the next page (null on the last).
    /// </summary>
    public async Task<(IReadOnlyList<JsonObject> Members, string? Next)> GetPagedMembersAsync(string serviceUrl, string conversationId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var query = $"?pageSize={pageSize}" + (continuationToken is null ? "" : $"&continuationToken={Uri.EscapeDataString(continuationToken)}");
        var page = await SendAsync(HttpMethod.Get, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/pagedmembers{query}", null, "get members", cancellationToken);
        var members = (page["members"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var next = page["continuationToken"] is JsonValue token && token.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
        return (members, next);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string serviceUrl, string path, JsonObject? body, string operation, CancellationToken cancellationToken)
    {
        var address = ServiceUrlAllowList.Parse(serviceUrl.TrimEnd('/') + "/") is { } root ? new Uri(root, path) : null;
        if (address is null || !allowList.Allows(address))
        {
            logger.LogError("Refused to send a Bot Connector {Operation} to {ServiceUrl}: not under Teams:AllowedServiceUrls", operation, serviceUrl);
            throw new TeamsApiException(operation, 403, $"the service URL {serviceUrl} is not under Teams:AllowedServiceUrls");
        }
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, address) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(BotTokenProvider.ConnectorScope, cancellationToken));
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new TeamsApiException(operation, 0, ex.Message, inner: ex);
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
                {
                    tokens.Invalidate(BotTokenProvider.ConnectorScope);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    var detail = await response.Content.ReadAsStringAsync(cancellationToken);
                    logger.LogWarning("Bot Connector {Operation} answered {Status} (operation id {OperationId})", operation, (int)response.StatusCode,
                        response.Headers.TryGetValues("X-Correlating-OperationId", out var ids) ? ids.First() : "-");
                    throw new TeamsApiException(operation, (int)response.StatusCode, TeamsApiException.Excerpt(detail), response.Headers.RetryAfter?.Delta);
                }
                return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
            }
        }
    }
}
