using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Incidents;

/// <summary>The API's answer when a route names an incident that does not exist, the same on every endpoint.</summary>
internal static class IncidentProblems
{
    public static ProblemHttpResult NotFound(int number) =>
        TypedResults.Problem($"There is no incident INC-{number}.", statusCode: StatusCodes.Status404NotFound, title: "Incident not found");
}
