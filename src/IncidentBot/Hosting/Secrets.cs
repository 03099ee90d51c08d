using System.Security.Cryptography;
using System.Text;

namespace IncidentBot.Hosting;

/// <summary>Compares a secret someone sent with the configured one.</summary>
internal static class Secrets
{
    /// <summary>
    /// Constant-time over hashes of equal length, so neither the time taken nor the secret's length says how
    /// much of a guess was right.
    /// </summary>
    public static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
