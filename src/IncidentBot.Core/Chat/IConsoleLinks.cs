namespace IncidentBot.Chat;

/// <summary>
/// Where a person reads in full what a chat platform could show only in part. Adapters link to it when a message
/// is larger than the platform takes.
/// </summary>
public interface IConsoleLinks
{
    /// <summary>The incident's page in the web console; null when the console's public address is not configured.</summary>
    string? Incident(int number);
}
