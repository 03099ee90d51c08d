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
        if (view.Field("callback_id").Text() != CallbackId)
        {
            return null;
        }
        var values = view.Field("state").Field("values");
        var title = values.Field("title").Field("title").Field("value").Text()?.Trim();
        var severity = values.Field("severity").Field("severity").Field("selected_option").Field("value").Text() ?? "sev3";
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
