using System.Text.Json;
using System.Text.Json.Serialization;

namespace IncidentBot.Chat;

/// <summary>
/// A platform-neutral message: blocks of Markdown text, fields and buttons. Slack, Teams and the web console
/// each render it their own way; the core never knows which.
/// </summary>
public sealed record ChatMessage
{
    public MessageKind Kind { get; init; } = MessageKind.Info;

    /// <summary>Who should see it: everyone in the incident's channels, or only the person who asked.</summary>
    public MessageAudience Audience { get; init; } = MessageAudience.Channel;

    public int? IncidentNumber { get; init; }

    /// <summary>Drill messages must be unmistakable on every platform.</summary>
    public bool IsDrill { get; init; }

    public IReadOnlyList<MessageBlock> Blocks { get; init; } = [];

    /// <summary>
    /// Messages with the same key describe one thing that changes (a runbook's current step): platforms that can
    /// edit a posted message update the earlier one in place instead of posting again.
    /// </summary>
    public string? UpdateKey { get; init; }

    /// <summary>The message as plain lines, for logs, notifications and platforms without rich text.</summary>
    public string ToPlainText() => string.Join("\n", Blocks.Select(b => b.ToPlainText()).Where(t => t.Length > 0));

    /// <summary>The message as stored (outbox, web rooms): JSON with the web defaults.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static ChatMessage FromJson(string json) => JsonSerializer.Deserialize<ChatMessage>(json, JsonSerializerOptions.Web)!;

    /// <summary>
    /// The first line, cut to <paramref name="max"/>, for notifications and previews; a drill's says DRILL even
    /// when its text does not, because the line is all some people see.
    /// </summary>
    public string NotificationLine(int max)
    {
        var first = ChatText.Shorten(ToPlainText().Split('\n', 2)[0], max);
        return IsDrill && !first.Contains("DRILL") ? $"[DRILL] {first}" : first;
    }
}

/// <summary>What a message is about, so a renderer can style it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MessageKind>))]
public enum MessageKind
{
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("incident")] IncidentSummary,
    [JsonStringEnumMemberName("event")] Event,
    [JsonStringEnumMemberName("help")] Help,
    [JsonStringEnumMemberName("error")] Error,
    [JsonStringEnumMemberName("runbook-step")] RunbookStep,
}

/// <summary>Who a message is for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MessageAudience>))]
public enum MessageAudience
{
    [JsonStringEnumMemberName("channel")] Channel,
    [JsonStringEnumMemberName("requester")] Requester,
}

/// <summary>One part of a message.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(TextBlock), "text")]
[JsonDerivedType(typeof(FieldsBlock), "fields")]
[JsonDerivedType(typeof(ButtonsBlock), "buttons")]
[JsonDerivedType(typeof(ChecklistBlock), "checklist")]
[JsonDerivedType(typeof(PlainTextBlock), "plain")]
[JsonDerivedType(typeof(LinksBlock), "links")]
[JsonDerivedType(typeof(MentionBlock), "mention")]
[JsonDerivedType(typeof(TeamCallBlock), "team-call")]
public abstract record MessageBlock
{
    public abstract string ToPlainText();
}

/// <summary>A short, bold title line.</summary>
public sealed record HeaderBlock(string Text) : MessageBlock
{
    public override string ToPlainText() => Text;
}

/// <summary>Markdown text (CommonMark: emphasis, code, links, lists).</summary>
public sealed record TextBlock(string Markdown) : MessageBlock
{
    public override string ToPlainText() => Markdown;
}

/// <summary>
/// Outside text shown exactly as written (an alert's description): never read as Markdown, mrkdwn or HTML, its line
/// breaks kept.
/// </summary>
public sealed record PlainTextBlock(string Text) : MessageBlock
{
    public override string ToPlainText() => Text;
}

/// <summary>
/// Links in a row (graph, dashboard, runbook, silence). Each renderer makes a link only of an address
/// <see cref="LinkPolicy"/> allows and shows any other as text.
/// </summary>
public sealed record LinksBlock(IReadOnlyList<MessageLink> Links) : MessageBlock
{
    public override string ToPlainText() => string.Join("\n", Links.Select(l => $"{l.Title}: {l.Url}"));
}

/// <summary>A link's title (text) and its address.</summary>
public sealed record MessageLink(string Title, string Url);

/// <summary>Label/value pairs shown side by side where the platform can.</summary>
public sealed record FieldsBlock(IReadOnlyList<MessageField> Fields) : MessageBlock
{
    public override string ToPlainText() => string.Join("\n", Fields.Select(f => $"{f.Label}: {f.Value}"));
}

/// <summary>Buttons; each runs a chat command as the person who presses it.</summary>
public sealed record ButtonsBlock(IReadOnlyList<MessageButton> Buttons) : MessageBlock
{
    public override string ToPlainText() => "";
}

/// <summary>Items to tick; each item's command toggles it.</summary>
public sealed record ChecklistBlock(IReadOnlyList<ChecklistItem> Items) : MessageBlock
{
    public override string ToPlainText() => string.Join("\n", Items.Select(i => $"{(i.Checked ? "☑" : "☐")} {i.Text}"));
}

/// <summary>One checklist item, its state, and the command that toggles it.</summary>
public sealed record ChecklistItem(string Text, bool Checked, string Command);

/// <summary>
/// Speaks to one person, then says <see cref="Markdown"/>: each platform pulls them in its own way. Slack finds them by
/// <see cref="Email"/>, invites them into the channel and mentions them (<c>&lt;@U…&gt;</c>); Teams mentions them by
/// e-mail (their UPN) in the card; the console shows <c>@handle</c>. Without an e-mail, or when the platform does not
/// know it, the handle is plain text.
/// </summary>
public sealed record MentionBlock(string Handle, string? Email, string Markdown) : MessageBlock
{
    public override string ToPlainText() => $"@{Handle} {Markdown}";
}

/// <summary>A label and its value.</summary>
public sealed record MessageField(string Label, string Value);

/// <summary>A button that runs <see cref="Command"/> exactly as if the presser had typed it.</summary>
public sealed record MessageButton(string Label, string Command, ButtonStyle Style = ButtonStyle.Default);

/// <summary>How prominent a button is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ButtonStyle>))]
public enum ButtonStyle
{
    [JsonStringEnumMemberName("default")] Default,
    [JsonStringEnumMemberName("primary")] Primary,
    [JsonStringEnumMemberName("danger")] Danger,
}
