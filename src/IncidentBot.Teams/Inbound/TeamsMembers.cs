using System.Text.Json.Nodes;
using IncidentBot.Access;
using IncidentBot.Teams.Api;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Teams.Inbound;

/// <summary>
/// Who runs a Teams command: the name Teams sends, and the e-mail Microsoft Entra ID has for them, read once per
/// user from the Bot Connector (<c>GET {serviceUrl}/v3/conversations/{id}/members/{userId}</c>, a
/// <c>TeamsChannelAccount</c>: its <c>email</c>, else its <c>userPrincipalName</c> when that is an address). Roles
/// are granted by that e-mail, so a Teams user is the same person as in Slack and the console.
/// </summary>
internal sealed class TeamsMembers(BotConnectorClient connector, ILogger<TeamsMembers> logger) : IDisposable
{
    private readonly ProvenEmails _emails = new();

    /// <summary>
    /// The actor of <paramref name="activity"/>: <c>from.name</c> as before, and the proven e-mail. A look-up that
    /// fails leaves the e-mail out and says why in the log; the command still runs.
    /// </summary>
    public async Task<Actor> ActorOfAsync(JsonObject activity, Uri serviceUrl, CancellationToken cancellationToken)
    {
        var from = activity["from"] as JsonObject;
        var userId = (from?["id"]).NonBlankText();
        var name = (from?["name"]).NonBlankText() ?? userId ?? "unknown";
        var conversation = (activity["conversation"]?["id"]).NonBlankText();
        var email = userId is null || conversation is null ? null : await EmailOfAsync(serviceUrl, conversation, userId, (from?["aadObjectId"]).NonBlankText(), cancellationToken);
        return new Actor(name) { Email = email, Platform = "teams" };
    }

    private Task<string?> EmailOfAsync(Uri serviceUrl, string conversation, string userId, string? aadObjectId, CancellationToken cancellationToken)
    {
        // The Entra object id is the person across tenants' conversations; the 29: id is per bot.
        var key = aadObjectId ?? userId;
        return _emails.GetAsync(key, () => LookUpEmailAsync(serviceUrl, conversation, userId, aadObjectId, key, cancellationToken));
    }

    private async Task<string?> LookUpEmailAsync(Uri serviceUrl, string conversation, string userId, string? aadObjectId, string key, CancellationToken cancellationToken)
    {
        try
        {
            var member = await connector.GetMemberAsync(serviceUrl.AbsoluteUri, conversation, userId, cancellationToken);
            var email = Address(member["email"].NonBlankText()) ?? Address(member["userPrincipalName"].NonBlankText());
            if (email is null)
            {
                logger.LogWarning("Teams gave no e-mail or user principal name for {TeamsUser} ({AadObjectId}); their commands run without a proven e-mail", userId, aadObjectId);
            }
            _emails.Remember(key, email);
            return email;
        }
        catch (TeamsApiException ex) when (ex.Status is 403 or 404)
        {
            logger.LogWarning("The Bot Connector would not describe Teams user {TeamsUser} ({AadObjectId}) in {Conversation}: {Problem}; their commands run without a proven e-mail",
                userId, aadObjectId, conversation, ex.Message);
            _emails.RememberRefusal(key);
            return null;
        }
        catch (TeamsApiException ex)
        {
            // Not kept: the next command asks again.
            logger.LogWarning("Could not look up the e-mail of Teams user {TeamsUser} ({AadObjectId}): {Problem}; the command runs without a proven e-mail", userId, aadObjectId, ex.Message);
            return null;
        }
    }

    /// <summary>An e-mail address, or null: guests' and some tenants' UPNs are not addresses (no @).</summary>
    private static string? Address(string? value) => value?.Trim() is { Length: > 2 } text && text.IndexOf('@') > 0 && text.IndexOf('@') < text.Length - 1 ? text : null;

    public void Dispose() => _emails.Dispose();
}
