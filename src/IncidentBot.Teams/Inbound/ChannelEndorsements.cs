using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Teams.Inbound;

/// <summary>Reads the Bot Framework's non-standard <c>endorsements</c> member of a JWKS key.</summary>
internal static class ChannelEndorsements
{
    private const string Member = "endorsements";

    /// <summary>
    /// True when every published key with the signing key's id endorses the channel. The library hands out
    /// converted copies of the JWKs as signing keys, so the kid is the only link back to the endorsements.
    /// </summary>
    public static bool Allow(JsonWebKeySet? keySet, SecurityKey? signingKey, string channelId)
    {
        if (keySet is null || string.IsNullOrEmpty(signingKey?.KeyId))
        {
            return false;
        }

        var published = keySet.Keys.Where(key => key.Kid == signingKey.KeyId).ToList();
        return published.Count > 0 && published.All(key => Lists(key, channelId));
    }

    private static bool Lists(JsonWebKey key, string channelId) =>
        // IdentityModel 8.x keeps unknown JWK members as JsonElement; a key without the array endorses nothing.
        key.AdditionalData.TryGetValue(Member, out var value)
        && value is JsonElement { ValueKind: JsonValueKind.Array } endorsements
        && endorsements.EnumerateArray().Any(item =>
            item.ValueKind == JsonValueKind.String && string.Equals(item.GetString(), channelId, StringComparison.Ordinal));
}
