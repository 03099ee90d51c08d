using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// Microsoft Entra ID puts at most 200 groups in a token. For someone in more, it leaves the <c>groups</c> claim out
/// and says so: <c>"_claim_names": {"groups": "src1"}</c> (with <c>_claim_sources</c> naming an endpoint), or
/// <c>"hasgroups": true</c> in the implicit flow. Then the groups are read at sign-in from Microsoft Graph with the
/// access token of that sign-in: <c>POST {GraphBaseUrl}/v1.0/me/getMemberObjects</c> <c>{"securityEnabledOnly": false}</c>
/// (every group, transitively, as object ids, as the <c>groups</c> claim has them; delegated <c>User.Read</c> is enough).
/// Bounded: one call, <see cref="Timeout"/>, at most <see cref="MaxBytes"/> of answer and <see cref="MaxGroups"/>
/// groups. Whatever goes wrong, sign-in still works, without groups, and the log says why.
/// </summary>
internal sealed class EntraGroupOverage(HttpClient http, IOptions<OidcOptions> options, ILogger<EntraGroupOverage> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The largest answer read from Graph (its own limit is 11,000 ids, about 430 KB).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The most groups a session keeps; beyond them, the rest are dropped and the log says so.</summary>
    public const int MaxGroups = 2_000;

    /// <summary>True when the token says its groups were left out (and gives none).</summary>
    public static bool Signalled(ClaimsPrincipal proven, string groupsClaim)
    {
        if (proven.HasClaim(c => c.Type == groupsClaim))
        {
            return false;
        }
        if (proven.FindFirst("hasgroups")?.Value is { } has && has.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        foreach (var names in proven.FindAll("_claim_names"))
        {
            try
            {
                if (JsonNode.Parse(names.Value) is JsonObject claimNames && claimNames.ContainsKey(groupsClaim))
                {
                    return true;
                }
            }
            catch (JsonException)
            {
            }
        }
        return false;
    }

    /// <summary>The person's group ids from Graph; empty (and logged) when they cannot be read.</summary>
    public async Task<IReadOnlyList<string>> GroupsAsync(string? accessToken, string? subject, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(accessToken))
        {
            logger.LogWarning("Entra ID left the groups of {Subject} out of the ID token (more than 200), and the sign-in gave no access token to ask Microsoft Graph: signed in without groups", subject);
            return [];
        }
        var address = new Uri(options.Value.GraphBaseUrl.TrimEnd('/') + "/v1.0/me/getMemberObjects");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = JsonContent.Create(new { securityEnabledOnly = false }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Microsoft Graph answered {Status} for the groups of {Subject} (getMemberObjects; the sign-in's access token needs User.Read): signed in without groups",
                    (int)response.StatusCode, subject);
                return [];
            }
            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                logger.LogWarning("Microsoft Graph's list of the groups of {Subject} is {Bytes} bytes, more than {Max}: signed in without groups", subject, response.Content.Headers.ContentLength, MaxBytes);
                return [];
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    logger.LogWarning("Microsoft Graph's list of the groups of {Subject} is more than {Max} bytes: signed in without groups", subject, MaxBytes);
                    return [];
                }
                buffer.Write(chunk, 0, read);
            }
            var ids = (JsonNode.Parse(buffer.ToArray())?["value"] as JsonArray ?? throw new JsonException("no value array"))
                .Select(v => v is JsonValue value && value.TryGetValue<string>(out var id) ? id : null)
                .Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count > MaxGroups)
            {
                logger.LogWarning("{Subject} is in {Count} groups by Microsoft Graph; the session keeps the first {Max}", subject, ids.Count, MaxGroups);
                ids = ids.Take(MaxGroups).ToList();
            }
            logger.LogInformation("Read {Count} groups of {Subject} from Microsoft Graph (Entra ID's group overage)", ids.Count, subject);
            return ids;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Microsoft Graph did not list the groups of {Subject} within {Timeout}: signed in without groups", subject, Timeout);
            return [];
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Microsoft Graph could not be reached for the groups of {Subject} ({Problem}): signed in without groups", subject, ex.Message);
            return [];
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Microsoft Graph's answer for the groups of {Subject} is not a list of ids ({Problem}): signed in without groups", subject, ex.Message);
            return [];
        }
    }
}
