using System.Text.RegularExpressions;

namespace IncidentBot.Catalog;

/// <summary>
/// An <c>incidentbot.io/alert-selector</c>: label matchers joined by commas, as Prometheus writes them:
/// <c>service=checkout,team=payments</c>, <c>env!=staging</c>, <c>alertname=~"Checkout.*"</c>, <c>region!~eu-.*</c>.
/// An alert matches when every matcher holds; a missing label counts as empty. Regular expressions match the whole
/// value and give up after 50 ms.
/// </summary>
public sealed class LabelSelector
{
    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(50);
    private static readonly Regex LabelName = new("^[A-Za-z_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant, RegexBudget);

    private LabelSelector(IReadOnlyList<LabelMatcher> matchers, string text)
    {
        Matchers = matchers;
        Text = text;
    }

    public IReadOnlyList<LabelMatcher> Matchers { get; }

    /// <summary>The selector as written.</summary>
    public string Text { get; }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => Matchers.All(m => m.Matches(labels));

    public override string ToString() => Text;

    public static bool TryParse(string? text, out LabelSelector selector, out string problem)
    {
        selector = new([], text ?? "");
        problem = "";
        var matchers = new List<LabelMatcher>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0)
            {
                continue;
            }
            if (!TryParseMatcher(part, out var matcher, out problem))
            {
                return false;
            }
            matchers.Add(matcher);
        }
        if (matchers.Count == 0)
        {
            problem = "has no label matchers; write e.g. `service=checkout,team=payments`";
            return false;
        }
        selector = new(matchers, text!.Trim());
        return true;
    }

    private static bool TryParseMatcher(string part, out LabelMatcher matcher, out string problem)
    {
        matcher = null!;
        problem = "";
        var at = part.IndexOfAny(['=', '!']);
        if (at <= 0)
        {
            problem = $"`{part}` is not a label matcher; write `label=value`, `label!=value`, `label=~regex` or `label!~regex`";
            return false;
        }
        var name = part[..at].Trim();
        var rest = part[at..];
        var op = rest.StartsWith("=~", StringComparison.Ordinal) ? "=~" : rest.StartsWith("!~", StringComparison.Ordinal) ? "!~"
            : rest.StartsWith("!=", StringComparison.Ordinal) ? "!=" : rest.StartsWith('=') ? "=" : null;
        if (op is null)
        {
            problem = $"`{part}` is not a label matcher; write `label=value`, `label!=value`, `label=~regex` or `label!~regex`";
            return false;
        }
        if (!LabelName.IsMatch(name))
        {
            problem = $"`{name}` is not a label name (letters, digits and `_`, not starting with a digit)";
            return false;
        }
        var value = rest[op.Length..].Trim();
        if (value.StartsWith('=') || value.StartsWith('~'))
        {
            problem = $"`{part}` is not a label matcher; write `label=value`, `label!=value`, `label=~regex` or `label!~regex`";
            return false;
        }
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }
        if (value.Contains('"'))
        {
            problem = $"`{part}`: a value may be quoted as a whole (\"...\"), but may not hold quotes";
            return false;
        }
        Regex? regex = null;
        if (op is "=~" or "!~")
        {
            try
            {
                regex = new Regex($"^(?:{value})$", RegexOptions.CultureInvariant, RegexBudget);
            }
            catch (ArgumentException ex)
            {
                problem = $"`{value}` is not a regular expression: {ex.Message}";
                return false;
            }
        }
        matcher = new LabelMatcher(name, op, value, regex);
        return true;
    }
}

/// <summary>One matcher of a <see cref="LabelSelector"/>: a label, an operator (<c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>) and a value.</summary>
public sealed record LabelMatcher(string Label, string Operator, string Value, Regex? Pattern)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var actual = labels.TryGetValue(Label, out var v) ? v : "";
        return Operator switch
        {
            "=" => string.Equals(actual, Value, StringComparison.Ordinal),
            "!=" => !string.Equals(actual, Value, StringComparison.Ordinal),
            "=~" => SafeMatch(actual),
            _ => !SafeMatch(actual),
        };
    }

    // A pattern that runs past its budget on some value matches nothing (=~) rather than hanging alert intake.
    private bool SafeMatch(string actual)
    {
        try
        {
            return Pattern!.IsMatch(actual);
        }
        catch (RegexMatchTimeoutException)
        {
            return Operator == "!~";
        }
    }
}
