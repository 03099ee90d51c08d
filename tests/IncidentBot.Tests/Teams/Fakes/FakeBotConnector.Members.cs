using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>A Teams user as the Bot Connector describes them (TeamsChannelAccount).</summary>
public sealed record FakeTeamsMember(string Id, string Name, string AadObjectId, string? Email, string? UserPrincipalName);

/// <summary>
/// <c>GET /v3/conversations/{id}/members/{userId}</c>: Teams answers a <c>TeamsChannelAccount</c> for a member it
/// finds by their 29: id, Entra object id or UPN, and 404 <c>MemberNotFoundInConversation</c> otherwise. Look-ups
/// are kept apart from <see cref="Calls"/> (which tests of sending count) and are not taken by <see cref="FailNext"/>.
/// </summary>
public sealed partial class FakeBotConnector
{
    private readonly List<FakeTeamsMember> _members = [];
    private readonly List<string> _memberLookups = [];
    private int? _memberStatus;

    /// <summary>Makes <paramref name="member"/> known in every conversation.</summary>
    public void AddMember(FakeTeamsMember member) => Gate.Locked(() => _members.Add(member));

    /// <summary>Every member look-up answers this status (403, 404, 500…) until set back to null.</summary>
    public void FailMemberLookups(int? status) => Gate.Locked(() => _memberStatus = status);

    /// <summary>The user ids looked up, in order.</summary>
    public IReadOnlyList<string> MemberLookups => Gate.Locked(() => _memberLookups.ToList());

    /// <summary>
    /// <c>GET /v3/conversations/{id}/pagedmembers?pageSize=&amp;continuationToken=</c>: the members of a team (its
    /// thread id) a page at a time, as the Connector reference shows (<c>{ members, continuationToken }</c>); Teams
    /// allows pages of 50 to 500 members and answers 400 otherwise.
    /// </summary>
    private FakeAnswer PagedMembers(string conversationId)
    {
        if (!_channels.Contains(conversationId))
        {
            return ConversationNotFound(conversationId);
        }
        var size = int.TryParse(Query["pageSize"], out var asked) ? asked : 500;
        if (size is < 50 or > 500)
        {
            return FakeAnswer.Error(400, "BadArgument", "pageSize must be between 50 and 500.");
        }
        var start = int.TryParse(Query["continuationToken"], out var token) ? token : 0;
        var page = _members.Skip(start).Take(size).ToList();
        var answer = new JsonObject { ["members"] = new JsonArray(page.Select(m => (JsonNode)Account(m)).ToArray()) };
        if (start + page.Count < _members.Count)
        {
            answer["continuationToken"] = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return new(200, answer);
    }

    private FakeAnswer Member(string conversationId, string userId)
    {
        _memberLookups.Add(userId);
        if (_memberStatus is { } status)
        {
            return status switch
            {
                403 => FakeAnswer.Error(403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."),
                404 => FakeAnswer.Error(404, "MemberNotFoundInConversation", "The member is not in the conversation."),
                _ => FakeAnswer.Error(status, "ServiceError", "The member could not be read."),
            };
        }
        var member = _members.FirstOrDefault(m => m.Id == userId || string.Equals(m.AadObjectId, userId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.UserPrincipalName, userId, StringComparison.OrdinalIgnoreCase));
        if (member is null)
        {
            return FakeAnswer.Error(404, "MemberNotFoundInConversation", $"The member {userId} is not in conversation {conversationId}.");
        }
        return new(200, Account(member));
    }

    private JsonObject Account(FakeTeamsMember member)
    {
        var account = new JsonObject
        {
            ["id"] = member.Id,
            ["name"] = member.Name,
            ["aadObjectId"] = member.AadObjectId,
            ["givenName"] = member.Name.Split(' ')[0],
            ["surname"] = member.Name.Contains(' ') ? member.Name[(member.Name.IndexOf(' ') + 1)..] : null,
            ["tenantId"] = _tokens.Tenant,
            ["userRole"] = "user",
        };
        if (member.Email is not null)
        {
            account["email"] = member.Email;
        }
        if (member.UserPrincipalName is not null)
        {
            account["userPrincipalName"] = member.UserPrincipalName;
        }
        return account;
    }
}
