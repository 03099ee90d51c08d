namespace IncidentBot.Incidents;

/// <summary>
/// What the incident's messages show of its alerts. Section <c>AlertDetails</c>:
/// <code>
/// "AlertDetails": {
///   "Labels": [ "alertname", "service", "instance", "namespace", "cluster", "job" ],
///   "MaxListedAlerts": 20,
///   "StormSummaryInterval": "00:01:00"
/// }
/// </code>
/// </summary>
public sealed class AlertDetailOptions
{
    public const string Section = "AlertDetails";

    /// <summary>The labels shown when none are configured.</summary>
    public static IReadOnlyList<string> DefaultLabels { get; } = ["alertname", "service", "instance", "namespace", "cluster", "job"];

    /// <summary>At most this many labels are shown: Slack shows ten fields in a section.</summary>
    public const int MaxLabels = 10;

    /// <summary>
    /// The labels that matter, in the order shown under the opening message's description (those the alert has).
    /// Empty means <see cref="DefaultLabels"/>.
    /// </summary>
    public List<string> Labels { get; set; } = [];

    /// <summary>
    /// How many alerts a storm's follow-up message lists one by one in Slack and Teams (the console lists them all).
    /// </summary>
    public int MaxListedAlerts { get; set; } = 20;

    /// <summary>
    /// An incident gets at most one summary of its later alerts per this interval; alerts arriving sooner are
    /// summarised together when it is up, so a storm cannot flood chat.
    /// </summary>
    public TimeSpan StormSummaryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The configured labels, or the default ones.</summary>
    public IReadOnlyList<string> ShownLabels => Labels.Count > 0 ? Labels : DefaultLabels;

    /// <summary>What is wrong with these options, one sentence per problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (Labels.Count > MaxLabels)
        {
            yield return $"AlertDetails:Labels names {Labels.Count} labels; at most {MaxLabels} can be shown, e.g. [\"alertname\", \"instance\"].";
        }
        if (Labels.Any(string.IsNullOrWhiteSpace))
        {
            yield return "AlertDetails:Labels must not hold an empty name, e.g. [\"alertname\", \"instance\"].";
        }
        if (Labels.Any(l => l.Length > 100))
        {
            yield return "AlertDetails:Labels must hold label names of at most 100 characters.";
        }
        if (StormSummaryInterval < TimeSpan.FromSeconds(1) || StormSummaryInterval > TimeSpan.FromHours(1))
        {
            yield return "AlertDetails:StormSummaryInterval must be between 00:00:01 and 01:00:00, e.g. 00:01:00.";
        }
        if (MaxListedAlerts is < 1 or > 100)
        {
            yield return "AlertDetails:MaxListedAlerts must be between 1 and 100, e.g. 20.";
        }
    }
}

/// <summary>Reports every problem of <see cref="AlertDetailOptions"/> at start-up, each with its key.</summary>
public sealed class AlertDetailOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<AlertDetailOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, AlertDetailOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
