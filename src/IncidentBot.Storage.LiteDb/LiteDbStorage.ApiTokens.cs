using IncidentBot.Access;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// API tokens, one document each in <c>apiTokens</c>: <c>_id</c> is the name, beside <c>role</c> (viewer, responder,
/// lead), <c>hash</c> (SHA-256 hex of the token), <c>createdAt</c>, <c>createdBy</c>, <c>lastUsedAt</c> and
/// <c>revokedAt</c> (UTC ticks). There are a handful of tokens, so a look-up by hash reads them all; no index.
/// </summary>
public sealed partial class LiteDbStorage : IApiTokenStore
{
    internal const string ApiTokensCollection = "apiTokens";

    private ILiteCollection<BsonDocument> ApiTokenDocuments => _db.GetCollection(ApiTokensCollection);

    public bool TryAddApiToken(ApiToken token)
    {
        var document = new BsonDocument
        {
            ["_id"] = token.Name,
            ["role"] = ApiTokens.RoleName(token.Role),
            ["hash"] = token.Hash,
            ["createdAt"] = token.CreatedAt.UtcTicks,
            ["createdBy"] = StorableText.Clean(token.CreatedBy),
        };
        var added = false;
        // One transaction under the write lock: of two callers adding one name together, exactly one adds it.
        InTransaction(() =>
        {
            var tokens = ApiTokenDocuments;
            if (tokens.FindById(token.Name) is null)
            {
                tokens.Insert(document);
                added = true;
            }
        });
        return added;
    }

    public ApiToken? FindApiTokenByHash(string hash) =>
        ApiTokenDocuments.FindOne(Query.EQ("hash", hash)) is { } document ? ToApiToken(document) : null;

    public IReadOnlyList<ApiToken> ApiTokenList() =>
        ApiTokenDocuments.FindAll().Select(ToApiToken).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

    public bool RevokeApiToken(string name, DateTimeOffset at)
    {
        var found = false;
        InTransaction(() =>
        {
            var tokens = ApiTokenDocuments;
            if (tokens.FindById(name) is { } document)
            {
                found = true;
                if (document["revokedAt"].IsNull)
                {
                    document["revokedAt"] = at.UtcTicks;
                    tokens.Update(document);
                }
            }
        });
        return found;
    }

    public void RecordApiTokenUse(string name, DateTimeOffset at) =>
        // Not a checkpoint: a last-used time lost to a crash is only a little older.
        InTransaction(() =>
        {
            var tokens = ApiTokenDocuments;
            if (tokens.FindById(name) is { } document && (document["lastUsedAt"].IsNull || document["lastUsedAt"].AsInt64 < at.UtcTicks))
            {
                document["lastUsedAt"] = at.UtcTicks;
                tokens.Update(document);
            }
        }, durable: false);

    internal static ApiToken ToApiToken(BsonDocument document)
    {
        ApiTokens.TryParseRole(document["role"].AsString, out var role);
        return new ApiToken(document["_id"].AsString, role, document["hash"].AsString, Instant(document["createdAt"])!.Value, document["createdBy"].AsString)
        {
            LastUsedAt = Instant(document["lastUsedAt"]),
            RevokedAt = Instant(document["revokedAt"]),
        };
    }

    private static DateTimeOffset? Instant(BsonValue value) => value.IsNull ? null : new DateTimeOffset(value.AsInt64, TimeSpan.Zero);

    ValueTask<bool> IApiTokenStore.TryAddAsync(ApiToken token, CancellationToken cancellationToken) => Run(() => TryAddApiToken(token), cancellationToken);

    ValueTask<ApiToken?> IApiTokenStore.FindByHashAsync(string hash, CancellationToken cancellationToken) => Run(() => FindApiTokenByHash(hash), cancellationToken);

    ValueTask<IReadOnlyList<ApiToken>> IApiTokenStore.ListAsync(CancellationToken cancellationToken) => Run(ApiTokenList, cancellationToken);

    ValueTask<bool> IApiTokenStore.RevokeAsync(string name, DateTimeOffset at, CancellationToken cancellationToken) => Run(() => RevokeApiToken(name, at), cancellationToken);

    ValueTask IApiTokenStore.RecordUseAsync(string name, DateTimeOffset at, CancellationToken cancellationToken) => Run(() => RecordApiTokenUse(name, at), cancellationToken);
}
