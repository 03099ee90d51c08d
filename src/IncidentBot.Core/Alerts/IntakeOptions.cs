namespace IncidentBot.Alerts;

/// <summary>
/// How accepted alerts are processed. Section <c>Intake</c>:
/// <code>"Intake": { "BatchSize": 500, "PauseProcessing": false }</code>
/// </summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>
    /// Alerts the processor correlates per commit when it works through the inbox; larger batches mean fewer disk
    /// flushes. Alerts arriving while the inbox is empty are correlated in their webhooks' own group commit.
    /// </summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Accept and store alerts in the inbox but do not turn them into incidents, e.g. while an operator moves the data file.
    /// Everything stored is processed once this is switched off again and the bot restarted.
    /// </summary>
    public bool PauseProcessing { get; set; }

    /// <summary>After this many failed attempts an alert is set aside (dead-lettered) and logged for an operator.</summary>
    public int MaxAttempts { get; set; } = 5;
}
