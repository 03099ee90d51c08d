using IncidentBot.Storage;

namespace IncidentBot.Access;

/// <summary>
/// Creating, listing and revoking API tokens: the rules the <c>tokens</c> command and <c>/api/tokens</c> share, so
/// both refuse the same names and roles with the same words. The secret exists only in the answer to a creation.
/// </summary>
public sealed class ApiTokenAdministration(IApiTokenStore store, TimeProvider time)
{
    /// <summary>What a creation did: the token and its secret (shown once), or why not.</summary>
    public sealed record Created(ApiToken? Token, string? Secret, ApiTokenProblem? Problem);

    /// <summary>Why a token was not created or revoked, and which field is wrong.</summary>
    public sealed record ApiTokenProblem(ApiTokenProblemKind Kind, string Field, string Message);

    /// <summary>What a revocation found.</summary>
    public sealed record Revoked(ApiToken? Token, DateTimeOffset? Earlier, ApiTokenProblem? Problem);

    /// <summary>Checks the name and role, then stores a new token's hash; the secret is in the answer only.</summary>
    public async Task<Created> CreateAsync(string? name, string? role, string createdBy, CancellationToken cancellationToken = default)
    {
        if (!ApiTokens.IsValidName(name))
        {
            return new(null, null, new(ApiTokenProblemKind.Invalid, "name",
                $"'{name}' is not a token name: 1 to {ApiTokens.MaxNameLength} lower-case letters, digits, '.', '_' and '-', starting with a letter or digit."));
        }
        if (!ApiTokens.TryParseRole(role, out var parsed))
        {
            return new(null, null, new(ApiTokenProblemKind.Invalid, "role", $"'{role}' is not a role: use viewer, responder or lead."));
        }
        var secret = ApiTokens.NewSecret();
        var token = new ApiToken(name!, parsed, ApiTokens.Hash(secret), time.GetUtcNow(), createdBy);
        if (!await store.TryAddAsync(token, cancellationToken))
        {
            return new(null, null, new(ApiTokenProblemKind.Duplicate, "name",
                $"A token named '{name}' exists already (a revoked token keeps its name). Choose another name, e.g. '{name}-2'; the list shows them all."));
        }
        return new(token, secret, null);
    }

    /// <summary>Every token, revoked ones too, by name.</summary>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken = default) => await store.ListAsync(cancellationToken);

    /// <summary>Revokes the named token; revoking it again keeps the first time and says when that was.</summary>
    public async Task<Revoked> RevokeAsync(string name, CancellationToken cancellationToken = default)
    {
        var existing = (await store.ListAsync(cancellationToken)).FirstOrDefault(t => t.Name == name);
        if (existing is null || !await store.RevokeAsync(name, time.GetUtcNow(), cancellationToken))
        {
            return new(null, null, new(ApiTokenProblemKind.NotFound, "name", $"There is no token named '{name}'; the list shows them all."));
        }
        return new(existing, existing.RevokedAt, null);
    }
}

/// <summary>Why a token operation was refused.</summary>
public enum ApiTokenProblemKind
{
    Invalid,
    Duplicate,
    NotFound,
}
