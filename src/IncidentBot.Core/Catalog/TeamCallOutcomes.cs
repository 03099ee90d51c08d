using IncidentBot.Incidents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Catalog;

/// <summary>
/// Where a chat platform says what it did about a team call (<c>slack: payments team invited (SEV2): 12 people of
/// @payments-oncall</c>) or why it could not: onto the incident's timeline, never failing the delivery.
/// </summary>
/// <remarks>
/// <see cref="IncidentService"/> is resolved when first needed: it depends on every platform's sender, which depends
/// on this.
/// </remarks>
public sealed class TeamCallOutcomes(IServiceProvider services, ILogger<TeamCallOutcomes> logger)
{
    public async Task RecordAsync(int? number, string platform, string outcome, bool failed, CancellationToken cancellationToken)
    {
        if (failed)
        {
            logger.LogWarning("{Platform} could not call the owning team of INC-{Incident}: {Problem}", platform, number, outcome);
        }
        if (number is not { } incident)
        {
            return;
        }
        try
        {
            await services.GetRequiredService<IncidentService>().RecordTeamCallOutcomeAsync(incident, platform, outcome, failed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not put {Platform}'s team call outcome on INC-{Incident}'s timeline: {Outcome}", platform, incident, outcome);
        }
    }
}
