using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Feeds a normalizer JSON text, as the webhook endpoint does after reading the body.</summary>
public static class NormalizerExtensions
{
    public static IReadOnlyList<Alert> NormalizeJson(this IAlertNormalizer normalizer, string body)
    {
        using var json = JsonDocument.Parse(body);
        return normalizer.Normalize(json.RootElement);
    }

    /// <summary>Normalizes one of the published payloads in shared/fixtures.</summary>
    public static IReadOnlyList<Alert> NormalizeFixture(this IAlertNormalizer normalizer, string file) =>
        normalizer.NormalizeJson(Fixtures.Read(file));
}
