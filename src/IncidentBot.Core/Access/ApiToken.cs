using System.Security.Cryptography;
using System.Text;

namespace IncidentBot.Access;

/// <summary>
/// An API token for automation as it is stored: its name, its role, and the SHA-256 of the secret (lower-case hex),
/// never the secret itself. A revoked token stays listed with <see cref="RevokedAt"/>, and its name stays taken.
/// </summary>
public sealed record ApiToken(string Name, AccessRole Role, string Hash, DateTimeOffset CreatedAt, string CreatedBy)
{
    public DateTimeOffset? LastUsedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Who acts when this token is used: <c>token:&lt;name&gt;</c> on the timeline.</summary>
    public string Actor => ApiTokens.ActorPrefix + Name;
}

/// <summary>
/// The rules of API tokens: the secret's form (<c>ibt_</c> and 43 base64url characters of 32 random bytes), how
/// it is hashed, which names and roles are valid.
/// </summary>
public static class ApiTokens
{
    /// <summary>Every token starts with this, so a leaked one is recognisable (secret scanners, logs).</summary>
    public const string Prefix = "ibt_";

    /// <summary>What the timeline shows before a token's name.</summary>
    public const string ActorPrefix = "token:";

    /// <summary>The longest token name.</summary>
    public const int MaxNameLength = 64;

    private const int SecretBytes = 32;

    /// <summary>The length of every token this build makes: the prefix and 43 base64url characters.</summary>
    public static readonly int TokenLength = Prefix.Length + ((SecretBytes * 4) + 2) / 3;

    /// <summary>A new token: 256 bits from the operating system's cryptographic generator.</summary>
    public static string NewSecret() => Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>
    /// The stored form: SHA-256 of the whole token (UTF-8), lower-case hex. A plain hash is right here (no salt, no
    /// slow hash) because the secret is 256 random bits, not a password: nothing can be guessed or precomputed.
    /// </summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when <paramref name="token"/> has the form this build makes (before any look-up).</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == TokenLength && token.StartsWith(Prefix, StringComparison.Ordinal)
        && token.AsSpan(Prefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    /// <summary>
    /// A valid token name: 1 to <see cref="MaxNameLength"/> lower-case letters, digits, <c>.</c>, <c>_</c> and <c>-</c>,
    /// starting with a letter or digit. Names appear on the timeline and in logs, so they carry no markup.
    /// </summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');

    /// <summary>The role a word names (<c>viewer</c>, <c>responder</c>, <c>lead</c>, any case), or false.</summary>
    public static bool TryParseRole(string? text, out AccessRole role)
    {
        role = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "viewer":
                role = AccessRole.Viewer;
                return true;
            case "responder":
                role = AccessRole.Responder;
                return true;
            case "lead":
                role = AccessRole.Lead;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The role as stored and shown: <c>viewer</c>, <c>responder</c>, <c>lead</c>.</summary>
    public static string RoleName(AccessRole role) => role switch
    {
        AccessRole.Viewer => "viewer",
        AccessRole.Responder => "responder",
        AccessRole.Lead => "lead",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
