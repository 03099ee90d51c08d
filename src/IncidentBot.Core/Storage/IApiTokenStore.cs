using IncidentBot.Access;

namespace IncidentBot.Storage;

/// <summary>
/// API tokens for automation, kept as hashes (<see cref="ApiToken"/>). Names are unique for good: a revoked token
/// keeps its name, so the timeline's <c>token:&lt;name&gt;</c> always means one token.
/// </summary>
public interface IApiTokenStore
{
    /// <summary>Stores a new token; false, and nothing written, when its name is taken (also by a revoked token).</summary>
    ValueTask<bool> TryAddAsync(ApiToken token, CancellationToken cancellationToken = default);

    /// <summary>The token with this hash (<see cref="ApiTokens.Hash"/>), revoked or not, or null.</summary>
    ValueTask<ApiToken?> FindByHashAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>Every token, revoked ones too, by name.</summary>
    ValueTask<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes the named token at <paramref name="at"/>; false when there is no such token. Revoking a revoked token
    /// keeps its first revocation time and answers true.
    /// </summary>
    ValueTask<bool> RevokeAsync(string name, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records that the named token was used at <paramref name="at"/> (a later time only; an unknown name is ignored).</summary>
    ValueTask RecordUseAsync(string name, DateTimeOffset at, CancellationToken cancellationToken = default);
}
