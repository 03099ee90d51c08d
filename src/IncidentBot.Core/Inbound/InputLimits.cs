using Microsoft.Extensions.Options;

namespace IncidentBot.Inbound;

/// <summary>
/// How much text the bot takes from outside, in one place. Section <c>Limits</c>:
/// <code>
/// "Limits": {
///   "AlertTitleChars": 1000, "AlertDescriptionChars": 16384, "AlertKeyChars": 1000,
///   "LabelCount": 200, "LabelKeyChars": 256, "LabelValueChars": 4096, "LinkCount": 50, "LinkUrlChars": 2048,
///   "CommandTextChars": 4000, "ReviewVersionBytes": 262144, "ReviewHistoryBytes": 8388608
/// }
/// </code>
/// Text that only describes (titles, descriptions, annotation values) is cut with a visible "…", because the whole
/// alert is kept as sent; keys longer than their limit are replaced by their SHA-256; text that identifies or
/// instructs (label names and values, links, commands, reviews) is refused whole, because a cut would change what
/// it means. See docs/security.md, "Size limits".
/// </summary>
public sealed class InputLimits
{
    public const string Section = "Limits";

    /// <summary>An alert's title is cut to this many characters.</summary>
    public int AlertTitleChars { get; set; } = 1_000;

    /// <summary>An alert's description is cut to this many characters.</summary>
    public int AlertDescriptionChars { get; set; } = 16_384;

    /// <summary>A longer fingerprint or group key is replaced by its SHA-256: cut, two different alerts would merge.</summary>
    public int AlertKeyChars { get; set; } = 1_000;

    /// <summary>More labels (or annotations) than this on one alert are refused.</summary>
    public int LabelCount { get; set; } = 200;

    /// <summary>A longer label or annotation name is refused.</summary>
    public int LabelKeyChars { get; set; } = 256;

    /// <summary>A longer label value is refused (labels route and match); a longer annotation value is cut.</summary>
    public int LabelValueChars { get; set; } = 4_096;

    /// <summary>More links than this on one alert are refused.</summary>
    public int LinkCount { get; set; } = 50;

    /// <summary>A longer link is refused: a cut URL leads somewhere else.</summary>
    public int LinkUrlChars { get; set; } = 2_048;

    /// <summary>A longer chat command is refused with a friendly reply.</summary>
    public int CommandTextChars { get; set; } = 4_000;

    /// <summary>A review version larger than this (UTF-8 bytes) is refused with 413.</summary>
    public int ReviewVersionBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// All versions of one review together; beyond it the oldest edited versions are dropped (the first, generated
    /// version is always kept). LiteDB cannot store one document over 16 MB.
    /// </summary>
    public int ReviewHistoryBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Every problem with the configured values, each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        (string Key, int Value, int Min, int Max)[] checks =
        [
            (nameof(AlertTitleChars), AlertTitleChars, 20, 100_000),
            (nameof(AlertDescriptionChars), AlertDescriptionChars, 100, 1_000_000),
            (nameof(AlertKeyChars), AlertKeyChars, 64, 100_000),
            (nameof(LabelCount), LabelCount, 1, 10_000),
            (nameof(LabelKeyChars), LabelKeyChars, 16, 10_000),
            (nameof(LabelValueChars), LabelValueChars, 64, 1_000_000),
            (nameof(LinkCount), LinkCount, 1, 1_000),
            (nameof(LinkUrlChars), LinkUrlChars, 256, 100_000),
            (nameof(CommandTextChars), CommandTextChars, 100, 100_000),
            (nameof(ReviewVersionBytes), ReviewVersionBytes, 1_024, 4 * 1024 * 1024),
            (nameof(ReviewHistoryBytes), ReviewHistoryBytes, 2_048, 12 * 1024 * 1024),
        ];
        foreach (var (key, value, min, max) in checks.Where(c => c.Value < c.Min || c.Value > c.Max))
        {
            yield return $"{Section}:{key} is {value}; it must be between {min} and {max}.";
        }
        if (ReviewHistoryBytes < 2 * ReviewVersionBytes)
        {
            yield return $"{Section}:ReviewHistoryBytes ({ReviewHistoryBytes}) must hold at least two versions of {Section}:ReviewVersionBytes ({ReviewVersionBytes}).";
        }
    }
}

/// <summary>Reports every out-of-range limit at start-up, each with its key.</summary>
public sealed class InputLimitsValidation : IValidateOptions<InputLimits>
{
    public ValidateOptionsResult Validate(string? name, InputLimits options) =>
        options.Problems().ToList() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
}
