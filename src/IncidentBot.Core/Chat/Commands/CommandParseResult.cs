namespace IncidentBot.Chat.Commands;

/// <summary>Either a command or a friendly explanation of why the text is not one.</summary>
public sealed record CommandParseResult(ChatCommand? Command, string? Problem)
{
    public static CommandParseResult Ok(ChatCommand command) => new(command, null);

    public static CommandParseResult Fail(string problem) => new(null, problem);
}
