namespace IncidentBot.Storage;

/// <summary>
/// Where data lives. Section <c>Storage</c>:
/// <code>"Storage": { "Path": "data/incidentbot.db" }</code>
/// A relative path is taken from the folder that holds appsettings.json.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public string Path { get; set; } = "data/incidentbot.db";
}
