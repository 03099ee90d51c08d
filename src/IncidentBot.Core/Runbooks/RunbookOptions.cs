namespace IncidentBot.Runbooks;

/// <summary>
/// Where runbooks live. Section <c>Runbooks</c>: <c>"Runbooks": { "Path": "runbooks" }</c>.
/// A relative path is taken from the folder that holds appsettings.json.
/// </summary>
public sealed class RunbookOptions
{
    public const string Section = "Runbooks";

    public string Path { get; set; } = "runbooks";
}
