using System.Text.Json;
using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>The Web API methods the fake implements; handlers run under the state lock.</summary>
internal sealed partial class FakeSlackMethods
{
    public const string AppId = "A0FAKE";
    public const string TeamId = "T0FAKE";
    private const string BotId = "B0FAKEBOT";

    private readonly FakeSlackState _state;
    private readonly FakeSlackOptions _options;
    private readonly Dictionary<string, (int? Tier, Func<JsonObject, JsonObject> Handle)> _methods;
    private int _lastTicket;

    public FakeSlackMethods(FakeSlackState state, FakeSlackOptions options)
    {
        _state = state;
        _options = options;
        // Tiers from Slack's method reference; null marks chat.postMessage's per-channel "special" limit.
        _methods = new()
        {
            ["conversations.create"] = (2, Create),
            ["conversations.invite"] = (3, Invite),
            ["conversations.setTopic"] = (2, SetTopic),
            ["conversations.setPurpose"] = (2, SetPurpose),
            ["conversations.archive"] = (2, Archive),
            ["chat.postMessage"] = (null, PostMessage),
            ["chat.update"] = (3, Update),
            ["chat.postEphemeral"] = (4, PostEphemeral),
            ["pins.add"] = (2, AddPin),
            ["bookmarks.add"] = (2, AddBookmark),
            ["users.info"] = (4, UserInfo),
            ["users.lookupByEmail"] = (3, LookupByEmail),
            ["views.open"] = (4, OpenView),
            ["usergroups.list"] = (2, ListUsergroups),
            ["usergroups.users.list"] = (2, UsergroupUsers),
            // docs.slack.dev lists Tier 3 (api.slack.com said Tier 1); reconnects after `disconnect` must not wait a minute.
            ["apps.connections.open"] = (3, OpenConnection),
        };
    }

    public bool TryFind(string method, out (int? Tier, Func<JsonObject, JsonObject> Handle) entry) =>
        _methods.TryGetValue(method, out entry);

    private JsonObject OpenConnection(JsonObject args)
    {
        if (_options.SocketMode is not { } socket)
        {
            return Fail("not_allowed_token_type");
        }

        var url = new Uri(socket.Url, $"?ticket={++_lastTicket}&app_id={AppId}");
        return new() { ["ok"] = true, ["url"] = url.ToString() };
    }

    private static JsonObject Fail(string error) => new() { ["ok"] = false, ["error"] = error };

    private static string? Arg(JsonObject args, string name) => FakeSlackRequest.Arg(args, name);

    private static bool Flag(JsonObject args, string name) => Arg(args, name) is "true" or "1";

    // Blocks may arrive as an array or, as Slack also accepts, as a JSON-encoded string.
    private static JsonArray? Blocks(JsonObject args) => args["blocks"] switch
    {
        JsonArray blocks => blocks.DeepClone().AsArray(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonNode.Parse(value.GetValue<string>()) as JsonArray,
        _ => null,
    };

    private long UnixNow => _state.Now.ToUnixTimeSeconds();
}
