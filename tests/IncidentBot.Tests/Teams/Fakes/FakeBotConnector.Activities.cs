using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>The conversation and activity operations; all run under the connector's lock.</summary>
public sealed partial class FakeBotConnector
{
    // Teams message ids are epoch milliseconds; ids in that range make logs and assertions look like the real thing.
    private long _lastActivityId = 1_700_000_000_000;

    private const int MaxActivityBytes = 40 * 1024;

    /// <summary>Teams refuses a message over about 40 KB (its documentation says ~28 KB is safe) with 413.</summary>
    private static FakeAnswer? TooLarge(JsonObject activity) =>
        System.Text.Encoding.UTF8.GetByteCount(activity.ToJsonString()) > MaxActivityBytes
            ? FakeAnswer.Error(413, "MessageSizeTooBig", "Message size too large.")
            : null;

    private FakeAnswer CreateConversation(JsonObject? parameters)
    {
        var channelId = (string?)parameters?["channelData"]?["channel"]?["id"];
        if (channelId is null || parameters?["activity"] is not JsonObject activity)
        {
            return FakeAnswer.Error(400, "BadArgument", "A channel thread needs channelData.channel.id and an activity.");
        }

        if (TooLarge(activity) is { } tooLarge)
        {
            return tooLarge;
        }

        if (!_channels.Contains(channelId))
        {
            return ConversationNotFound(channelId);
        }

        if (RateLimited(channelId) is { } throttled)
        {
            return throttled;
        }

        var thread = StartThread(channelId, (string?)parameters["tenantId"], activity);
        return new(201, new JsonObject
        {
            ["id"] = thread.Id,
            ["activityId"] = thread.Activities[0].Id,
            ["serviceUrl"] = ServiceUrl.ToString(),
        });
    }

    private FakeAnswer Send(string conversationId, string? replyToId, JsonObject? activity)
    {
        if (activity is null)
        {
            return FakeAnswer.Error(400, "BadArgument", "The activity is missing or not a JSON object.");
        }

        if (TooLarge(activity) is { } tooLarge)
        {
            return tooLarge;
        }

        var conversation = _conversations.Find(c => c.Id == conversationId);
        if (conversation is null && !_channels.Contains(conversationId))
        {
            return ConversationNotFound(conversationId);
        }

        if (replyToId is not null && conversation?.Activities.Find(a => a.Id == replyToId) is null)
        {
            return ActivityNotFound(replyToId);
        }

        if (RateLimited(conversationId) is { } throttled)
        {
            return throttled;
        }

        // Posting to the bare channel id starts a new thread, as it does in Teams.
        var sent = conversation is null
            ? StartThread(conversationId, null, activity).Activities[0]
            : Store(conversation, replyToId, activity);
        return new(201, new JsonObject { ["id"] = sent.Id });
    }

    private FakeAnswer Update(string conversationId, string activityId, JsonObject? activity)
    {
        if (activity is null)
        {
            return FakeAnswer.Error(400, "BadArgument", "The activity is missing or not a JSON object.");
        }

        if (TooLarge(activity) is { } tooLarge)
        {
            return tooLarge;
        }

        if (_conversations.Find(c => c.Id == conversationId) is not { } conversation)
        {
            return ConversationNotFound(conversationId);
        }

        if (conversation.Activities.Find(a => a.Id == activityId) is not { } existing)
        {
            return ActivityNotFound(activityId);
        }

        activity["id"] = activityId;
        existing.Replace(activity);
        return new(200, new JsonObject { ["id"] = activityId });
    }

    private ConversationState StartThread(string channelId, string? tenantId, JsonObject activity)
    {
        var rootId = NextActivityId();
        var thread = new ConversationState($"{channelId};messageid={rootId}", channelId, tenantId);
        activity["id"] = rootId;
        thread.Activities.Add(new(rootId, null, activity));
        _conversations.Add(thread);
        return thread;
    }

    private ActivityState Store(ConversationState conversation, string? replyToId, JsonObject activity)
    {
        var id = NextActivityId();
        activity["id"] = id;
        var stored = new ActivityState(id, replyToId, activity);
        conversation.Activities.Add(stored);
        return stored;
    }

    private string NextActivityId() => (++_lastActivityId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private FakeAnswer? RateLimited(string conversationId) =>
        EnforceRateLimit && !_rateLimit.TryAcquire(conversationId)
            ? FakeAnswer.Error(429, "TooManyRequests", "Too many requests for this conversation.", retryAfterSeconds: 1)
            : null;

    private static FakeAnswer ConversationNotFound(string id) =>
        FakeAnswer.Error(404, "ConversationNotFound", $"Conversation '{id}' not found.");

    private static FakeAnswer ActivityNotFound(string id) =>
        FakeAnswer.Error(404, "ActivityNotFound", $"Activity '{id}' not found in this conversation.");
}
