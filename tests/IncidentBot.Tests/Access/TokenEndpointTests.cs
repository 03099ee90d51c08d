using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentBot.Access;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Access;

/// <summary>
/// <c>/api/tokens</c>: a lead lists, creates and revokes API tokens over HTTP by the <c>tokens</c> command's rules;
/// the secret is in the creation's answer only, hashes never leave; a revoked token is refused at once.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TokenEndpointTests
{
    private const string Remote = "198.51.100.20";

    [Fact]
    public async Task ALeadCreatesListsAndRevokesATokenAndTheRevokedTokenIsRefusedAfterwards()
    {
        await using var app = new IncidentBotApplication(new() { ["Access:Leads:0"] = "lead@example.com" });
        var lead = await CreateAsync(app, "ops", AccessRole.Lead);

        var created = await SendAsync(app, HttpMethod.Post, "/api/tokens", lead, new { name = "deploy", role = "Responder" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/tokens/deploy", created.Headers.Location!.OriginalString);
        Assert.Equal("no-store", created.Headers.CacheControl!.ToString());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("token").GetString()!;
        Assert.True(ApiTokens.IsWellFormed(secret));
        Assert.Equal("responder", body.GetProperty("role").GetString());
        Assert.Equal("token:ops", body.GetProperty("createdBy").GetString());

        // The new token works, with its role: it may note, not run drills.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, HttpMethod.Post, "/api/commands", secret, new { text = "declare Checkout is down sev2" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(app, HttpMethod.Post, "/api/drills/run", secret, new { runbook = "database-failover" })).StatusCode);

        var listed = await SendAsync(app, HttpMethod.Get, "/api/tokens", lead);
        var text = await listed.Content.ReadAsStringAsync();
        var tokens = JsonSerializer.Deserialize<JsonElement>(text).EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["deploy", "ops"], tokens.Keys.Order());
        Assert.Equal("responder", tokens["deploy"].GetProperty("role").GetString());
        Assert.NotEqual(JsonValueKind.Null, tokens["deploy"].GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, tokens["deploy"].GetProperty("revokedAt").ValueKind);
        // Never a hash or a secret in the list.
        Assert.DoesNotContain(ApiTokens.Hash(secret), text);
        Assert.DoesNotContain(ApiTokens.Hash(lead), text);
        Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(app, HttpMethod.Delete, "/api/tokens/deploy", lead)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(app, HttpMethod.Get, "/api/incidents", secret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(app, HttpMethod.Post, "/api/commands", secret, new { text = "help" })).StatusCode);
        // Revoking again keeps the first time; the name stays taken.
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(app, HttpMethod.Delete, "/api/tokens/deploy", lead)).StatusCode);
        var relisted = JsonSerializer.Deserialize<JsonElement>(await (await SendAsync(app, HttpMethod.Get, "/api/tokens", lead)).Content.ReadAsStringAsync());
        Assert.NotEqual(JsonValueKind.Null, relisted.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "deploy").GetProperty("revokedAt").ValueKind);
        var again = await SendAsync(app, HttpMethod.Post, "/api/tokens", lead, new { name = "deploy", role = "viewer" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("A token named 'deploy' exists already", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(app, HttpMethod.Delete, "/api/tokens/nothing-here", lead)).StatusCode);
    }

    public static TheoryData<string?, string?, string, string> BadRequests => new()
    {
        { null, "viewer", "name", "is not a token name" },
        { "", "viewer", "name", "is not a token name" },
        { "CI", "viewer", "name", "is not a token name" },
        { "-ci", "viewer", "name", "is not a token name" },
        { "c i", "viewer", "name", "is not a token name" },
        { "<script>alert(1)</script>", "viewer", "name", "is not a token name" },
        { "../../etc/passwd", "viewer", "name", "is not a token name" },
        { "ci\u0000x", "viewer", "name", "is not a token name" },
        { "ci\u202e", "viewer", "name", "is not a token name" },
        { new string('a', ApiTokens.MaxNameLength + 1), "viewer", "name", "is not a token name" },
        { "ci", null, "role", "is not a role: use viewer, responder or lead" },
        { "ci", "", "role", "is not a role" },
        { "ci", "admin", "role", "is not a role" },
        { "ci", "owner", "role", "is not a role" },
        { "ci", "2", "role", "is not a role" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadNamesAndRolesAreValidationProblemsAndNothingIsStored(string? name, string? role, string field, string message)
    {
        await using var app = new IncidentBotApplication();
        var lead = await CreateAsync(app, "ops", AccessRole.Lead);

        var response = await SendAsync(app, HttpMethod.Post, "/api/tokens", lead, new { name, role });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Equal(["ops"], (await app.Services.GetRequiredService<IApiTokenStore>().ListAsync()).Select(t => t.Name));
    }

    [Theory]
    [InlineData(AccessRole.Viewer)]
    [InlineData(AccessRole.Responder)]
    public async Task OnlyLeadsManageTokens(AccessRole role)
    {
        await using var app = new IncidentBotApplication();
        var token = await CreateAsync(app, "ci", role);
        await CreateAsync(app, "other", AccessRole.Viewer);

        var list = await SendAsync(app, HttpMethod.Get, "/api/tokens", token);
        var create = await SendAsync(app, HttpMethod.Post, "/api/tokens", token, new { name = "mine", role = "lead" });
        var revoke = await SendAsync(app, HttpMethod.Delete, "/api/tokens/other", token);

        foreach (var response in new[] { list, create, revoke })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("needs the lead role (Access:Leads)", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        var stored = await app.Services.GetRequiredService<IApiTokenStore>().ListAsync();
        Assert.Equal(["ci", "other"], stored.Select(t => t.Name));
        Assert.All(stored, t => Assert.Null(t.RevokedAt));
    }

    private static async Task<string> CreateAsync(IncidentBotApplication app, string name, AccessRole role)
    {
        var secret = ApiTokens.NewSecret();
        Assert.True(await app.Services.GetRequiredService<IApiTokenStore>().TryAddAsync(new ApiToken(name, role, ApiTokens.Hash(secret), DateTimeOffset.UtcNow, "test")));
        return secret;
    }

    private static async Task<HttpResponseMessage> SendAsync(IncidentBotApplication app, HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add(IncidentBotApplication.RemoteIpHeader, Remote);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await app.CreateClient().SendAsync(request);
    }
}
