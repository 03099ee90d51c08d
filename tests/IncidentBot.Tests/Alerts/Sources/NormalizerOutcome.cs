using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

/// <summary>What a normaliser made of a body, as one comparable line per fixture.</summary>
internal static class NormalizerOutcome
{
    /// <summary>"firing|resolved fingerprint" per alert, "none" for no alert, or "refused field".</summary>
    public static string Of(Func<IReadOnlyList<Alert>> normalize)
    {
        try
        {
            var alerts = normalize();
            return alerts.Count == 0 ? "none" : string.Join("; ", alerts.Select(a => $"{a.Status.ToString().ToLowerInvariant()} {a.Fingerprint}"));
        }
        catch (AlertPayloadException ex)
        {
            return $"refused {ex.Field}";
        }
    }

    /// <summary>The fixture files of <paramref name="folder"/>, as the expectation tables name them.</summary>
    public static IEnumerable<string> FixtureFiles(string folder) => Fixtures.Files(folder).Select(f => f.Replace('\\', '/')).Order();
}
