using System.Text.Json.Nodes;
using IncidentBot.Slack.Api;

namespace IncidentBot.Slack.Inbound;

/// <summary>The declare form that <c>/incident declare</c> with no title opens: a title and a severity.</summary>
internal sealed class SlackDeclareModal(SlackWebApiClient slack)
{
    public const string CallbackId = "incidentbot.declare";

    public Task OpenAsync(string triggerId, CancellationToken cancellationToken) =>
        slack.OpenViewAsync(triggerId, View(), cancellationToken);

    /// <summary>The <c>declare</c> command a submitted form stands for, or null when it is not ours.</summary>
    public static string? Read(JsonObject payload)
    {
        var view = payload["view"];
        if (view?["callback_id"]?.GetValue<string>() != CallbackId)
        {
            return null;
        }
        var values = view["state"]?["values"];
        var title = values?["title"]?["title"]?["value"]?.GetValue<string>()?.Trim();
        var severity = values?["severity"]?["severity"]?["selected_option"]?["value"]?.GetValue<string>() ?? "sev3";
        return string.IsNullOrEmpty(title) ? null : $"declare {title} {severity}";
    }

    private static JsonObject View() => new()
    {
        ["type"] = "modal",
        ["callback_id"] = CallbackId,
        ["title"] = Plain("Declare an incident"),
        ["submit"] = Plain("Declare"),
        ["close"] = Plain("Cancel"),
        ["blocks"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = "title",
                ["label"] = Plain("What is wrong?"),
                ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "title", ["max_length"] = 200 },
            },
            new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = "severity",
                ["label"] = Plain("Severity"),
                ["element"] = new JsonObject
                {
                    ["type"] = "static_select",
                    ["action_id"] = "severity",
                    ["initial_option"] = Option(3),
                    ["options"] = new JsonArray(Option(1), Option(2), Option(3), Option(4)),
                },
            }),
    };

    private static JsonObject Option(int severity) => new() { ["text"] = Plain($"SEV{severity}"), ["value"] = $"sev{severity}" };

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
