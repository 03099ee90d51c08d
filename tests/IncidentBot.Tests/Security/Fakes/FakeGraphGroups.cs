using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Tests.Security.Fakes;

/// <summary>
/// A loopback Microsoft Graph with the one call the bot makes after Entra ID's group overage:
/// <c>POST /v1.0/me/getMemberObjects</c> <c>{"securityEnabledOnly": false}</c>, answered as Graph does
/// (<c>{"@odata.context": …, "value": ["&lt;id&gt;", …]}</c>), only with the sign-in's access token
/// (<see cref="FakeOidcProvider.SignInAccessToken"/>); else 401 <c>InvalidAuthenticationToken</c>.
/// </summary>
public sealed class FakeGraphGroups : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _calls = new();

    private FakeGraphGroups(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First().TrimEnd('/');

    /// <summary>The group ids the signed-in person is in.</summary>
    public IReadOnlyList<string> Groups { get; set; } = [];

    /// <summary>When set, every call answers this status with Graph's error body.</summary>
    public int? FailWith { get; set; }

    /// <summary>How long each answer waits.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Each call: its path and the bearer token it brought.</summary>
    public IReadOnlyCollection<string> Calls => _calls.ToArray();

    public static async Task<FakeGraphGroups> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var graph = new FakeGraphGroups(builder.Build());
        graph._app.MapPost("/v1.0/me/getMemberObjects", graph.MemberObjectsAsync);
        await graph._app.StartAsync();
        return graph;
    }

    private async Task<IResult> MemberObjectsAsync(HttpRequest request)
    {
        var token = request.Headers.Authorization.ToString();
        _calls.Enqueue($"{request.Path} {token}");
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, request.HttpContext.RequestAborted);
        }
        if (FailWith is { } status)
        {
            return Results.Json(new { error = new { code = "Request_UnsupportedQuery", message = "The fake was told to fail." } }, statusCode: status);
        }
        if (token != $"Bearer {FakeOidcProvider.SignInAccessToken}")
        {
            return Results.Json(new { error = new { code = "InvalidAuthenticationToken", message = "Access token is empty or invalid." } }, statusCode: 401);
        }
        var body = await JsonNode.ParseAsync(request.Body);
        if (body?["securityEnabledOnly"] is not JsonValue)
        {
            return Results.Json(new { error = new { code = "Request_BadRequest", message = "securityEnabledOnly is required." } }, statusCode: 400);
        }
        return Results.Json(new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)",
            ["value"] = new JsonArray(Groups.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray()),
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
