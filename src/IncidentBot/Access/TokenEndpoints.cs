using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Access;

/// <summary>
/// <c>/api/tokens</c>: leads list, create and revoke API tokens over HTTP, by the rules of the <c>tokens</c> command
/// (<see cref="ApiTokenAdministration"/>). A new token's secret is in the answer to its creation only; hashes never
/// leave the store.
/// </summary>
internal static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/tokens").WithTags("Tokens").RequireRole(AccessRole.Lead);
        group.MapGet("/", ListAsync).WithName("ListTokens").WithSummary("Every API token, revoked ones too: name, role, created, last used (leads only).");
        group.MapPost("/", CreateAsync).WithName("CreateToken").WithSummary("Creates an API token; its secret is in this answer only (leads only).");
        group.MapDelete("/{name}", RevokeAsync).WithName("RevokeToken").WithSummary("Revokes an API token: it is refused from then on (leads only).");
        return group;
    }

    /// <summary>The body of <c>POST /api/tokens</c>.</summary>
    public sealed record CreateRequest(string? Name, string? Role);

    /// <summary>A token as listed: never its hash.</summary>
    public sealed record TokenResponse(string Name, string Role, string Actor, DateTime CreatedAt, string CreatedBy, DateTime? LastUsedAt, DateTime? RevokedAt);

    /// <summary>A created token with its secret, shown this once.</summary>
    public sealed record CreatedResponse(string Name, string Role, string Actor, DateTime CreatedAt, string CreatedBy, string Token);

    private static async Task<Ok<List<TokenResponse>>> ListAsync(ApiTokenAdministration tokens, CancellationToken cancellationToken) =>
        TypedResults.Ok((await tokens.ListAsync(cancellationToken)).Select(t => new TokenResponse(
            t.Name, ApiTokens.RoleName(t.Role), t.Actor, t.CreatedAt.UtcDateTime, t.CreatedBy, t.LastUsedAt?.UtcDateTime, t.RevokedAt?.UtcDateTime)).ToList());

    private static async Task<Results<Created<CreatedResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateRequest request, HttpContext context, ApiTokenAdministration tokens, ILogger<ApiTokenAdministration> logger, CancellationToken cancellationToken)
    {
        var by = HttpActor.Of(context, null).Name;
        var created = await tokens.CreateAsync(request.Name, request.Role, by.Length > 0 ? by : "console", cancellationToken);
        switch (created.Problem)
        {
            case { Kind: ApiTokenProblemKind.Duplicate } duplicate:
                return TypedResults.Problem(duplicate.Message, statusCode: StatusCodes.Status409Conflict, title: "The token name is taken");
            case { } invalid:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [invalid.Field] = [invalid.Message] });
        }
        var token = created.Token!;
        logger.LogInformation("API token {TokenName} ({Role}) created by {User}", token.Name, ApiTokens.RoleName(token.Role), token.CreatedBy);
        // The secret is in this answer only: no cache may keep it.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/tokens/{token.Name}",
            new CreatedResponse(token.Name, ApiTokens.RoleName(token.Role), token.Actor, token.CreatedAt.UtcDateTime, token.CreatedBy, created.Secret!));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string name, HttpContext context, ApiTokenAdministration tokens, ILogger<ApiTokenAdministration> logger, CancellationToken cancellationToken)
    {
        var revoked = await tokens.RevokeAsync(name, cancellationToken);
        if (revoked.Problem is { } problem)
        {
            return TypedResults.Problem(problem.Message, statusCode: StatusCodes.Status404NotFound, title: "No such token");
        }
        logger.LogInformation("API token {TokenName} revoked by {User}{Again}", name, HttpActor.Of(context, null).Name, revoked.Earlier is null ? "" : " (it was revoked already)");
        return TypedResults.NoContent();
    }
}
