using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Telemetry;

/// <summary>
/// The bot's trace source and the log scope that names an incident, so a trace or a JSON log line of work done
/// for an incident can be found by its number.
/// </summary>
public static class BotActivity
{
    public const string SourceName = "IncidentBot";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts a span for work on one incident (null when nobody listens) and tags it with the number.</summary>
    public static Activity? StartForIncident(string name, int? incidentNumber)
    {
        var activity = Source.StartActivity(name);
        activity?.SetTag("incident.number", incidentNumber);
        return activity;
    }

    /// <summary>A log scope carrying <c>IncidentNumber</c>; JSON console logs show it on every line inside.</summary>
    public static IDisposable? IncidentScope(this ILogger logger, int? incidentNumber) =>
        incidentNumber is { } number ? logger.BeginScope(new Dictionary<string, object> { ["IncidentNumber"] = number }) : null;
}
