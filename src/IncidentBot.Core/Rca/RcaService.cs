using System.Text;
using IncidentBot.Inbound;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Rca;

/// <summary>
/// Writes, versions and completes post-incident reviews. The template comes from <c>Rca:TemplatePath</c>; a broken
/// one is logged with its line and the built-in template is used instead, so a review is always produced.
/// </summary>
public sealed class RcaService(
    IIncidentStore incidents,
    IRcaStore store,
    IncidentService incidentService,
    IOptions<RcaOptions> options,
    IOptions<InputLimits> limits,
    TimeProvider time,
    ILogger<RcaService> logger)
{
    private readonly Lazy<RcaGenerator> _generator = new(() => CreateGenerator(options.Value.TemplatePath, logger));

    /// <summary>Generates the review from what happened, as a new version (earlier ones are kept).</summary>
    public async Task<RcaDocument> GenerateAsync(int number, string author, CancellationToken cancellationToken = default)
    {
        var incident = await incidents.FindAsync(number, cancellationToken) ?? throw new InvalidOperationException($"There is no incident INC-{number}.");
        var alerts = await incidents.AlertsOfAsync(number, cancellationToken);
        var timeline = await incidents.TimelineOfAsync(number, cancellationToken);
        var markdown = _generator.Value.Generate(new RcaInput(incident, alerts, timeline));
        // A person saving at the same moment only moves the version on; try again on top of theirs.
        for (var attempt = 0; ; attempt++)
        {
            var expected = await store.FindRcaAsync(number, cancellationToken) is { } existing ? existing.Current.Version : 0;
            var saved = await store.SaveRcaVersionAsync(number, markdown, author, time.GetUtcNow(), expected, limits.Value.ReviewHistoryBytes, cancellationToken);
            if (saved is not null || attempt == 3)
            {
                return saved ?? (await store.FindRcaAsync(number, cancellationToken))!;
            }
        }
    }

    /// <summary>The first version, written when the incident resolves; nothing when one exists already.</summary>
    public async Task EnsureGeneratedAsync(int number, CancellationToken cancellationToken = default)
    {
        if (await store.FindRcaAsync(number, cancellationToken) is null && await incidents.FindAsync(number, cancellationToken) is { Status: IncidentStatus.Resolved or IncidentStatus.Closed })
        {
            await GenerateAsync(number, IncidentService.BotActor, cancellationToken);
            logger.LogInformation("Wrote the review of INC-{Incident}", number);
        }
    }

    /// <summary>
    /// Saves an edited review if nobody saved since <paramref name="expectedVersion"/>; null on a conflict. Text
    /// over <see cref="InputLimits.ReviewVersionBytes"/> is refused before anything is written.
    /// </summary>
    public async Task<RcaDocument?> SaveAsync(int number, string markdown, string author, int expectedVersion, CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetByteCount(markdown) > limits.Value.ReviewVersionBytes
            ? throw new ArgumentException($"The review is larger than Limits:ReviewVersionBytes ({limits.Value.ReviewVersionBytes} bytes).", nameof(markdown))
            : await store.SaveRcaVersionAsync(number, Storage.StorableText.Clean(markdown), Storage.StorableText.Clean(author), time.GetUtcNow(), expectedVersion, limits.Value.ReviewHistoryBytes, cancellationToken);

    /// <summary>
    /// <c>rca complete</c>: the review is done, which closes the incident. Who may (a lead, or the incident's
    /// commander) is checked by the caller with the command's role.
    /// </summary>
    public async Task<string?> CompleteAsync(int number, string actor, CancellationToken cancellationToken)
    {
        var incident = await incidents.FindAsync(number, cancellationToken);
        if (incident is null)
        {
            return $"There is no incident INC-{number}.";
        }
        if (await store.FindRcaAsync(number, cancellationToken) is not { } document)
        {
            return $"{incident.Reference} has no review yet: it is written when the incident resolves, or with `rca`.";
        }
        var closed = await incidentService.CloseAsync(number, actor, cancellationToken);
        if (closed.Problem is not null)
        {
            return closed.Problem;
        }
        await store.CompleteRcaAsync(document.IncidentNumber, actor, time.GetUtcNow(), cancellationToken);
        return null;
    }

    private static RcaGenerator CreateGenerator(string? templatePath, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(templatePath))
        {
            return new RcaGenerator();
        }
        try
        {
            return new RcaGenerator(File.ReadAllText(templatePath));
        }
        catch (Exception ex) when (ex is RcaTemplateException or IOException or UnauthorizedAccessException)
        {
            logger.LogError("The RCA template {Path} cannot be used ({Problem}); using the built-in template", templatePath, ex.Message);
            return new RcaGenerator();
        }
    }
}
