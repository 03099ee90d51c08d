using System.Text;
using IncidentBot.Incidents;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Catalog.OwningTeam;

/// <summary>A catalog with one team owning <c>checkout-api</c>, and the alerts and timeline reads the owning-team tests share.</summary>
internal static class OwningTeamCatalog
{
    public const string Component = "checkout-api";

    /// <summary>The payments group with <paramref name="groupAnnotations"/>, owning checkout-api with <paramref name="componentAnnotations"/>.</summary>
    public static CatalogFiles Write(string groupAnnotations = "", string componentAnnotations = "")
    {
        var files = new CatalogFiles();
        files.Write("catalog.yaml", CatalogFiles.Group("payments", annotations: groupAnnotations)
            + "---\n" + CatalogFiles.Component(Component, annotations: componentAnnotations));
        return files;
    }

    public static async Task AlertAsync(IncidentBotApplication app, string severity, string key = "k1", string service = Component, string alertname = "CheckoutErrors")
    {
        using var body = new StringContent($$$"""{"title":"{{{service}}} errors","dedupKey":"{{{key}}}","severity":"{{{severity}}}","labels":{"service":"{{{service}}}","alertname":"{{{alertname}}}"}}""", Encoding.UTF8, "application/json");
        (await app.CreateClient().PostAsync("/webhooks/generic", body)).EnsureSuccessStatusCode();
    }

    public static async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(IncidentBotApplication app, int number) =>
        await app.Incidents.TimelineOfAsync(number);

    /// <summary>Waits for a timeline entry of <paramref name="kind"/> by <paramref name="actor"/>, and returns its text.</summary>
    public static async Task<string> EntryAsync(IncidentBotApplication app, int number, string actor, string kind, Func<string, bool>? matching = null)
    {
        string? text = null;
        await Eventually.TrueAsync(async () =>
        {
            text = (await app.Incidents.TimelineOfAsync(number)).FirstOrDefault(e => e.Actor == actor && e.Kind == kind && (matching?.Invoke(e.Text) ?? true))?.Text;
            return text is not null;
        }, $"a {kind} entry by {actor} on INC-{number}");
        return text!;
    }

    public static async Task<int> CountAsync(IncidentBotApplication app, int number, string kind) =>
        (await app.Incidents.TimelineOfAsync(number)).Count(e => e.Kind == kind);
}
