using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Webhooks;

/// <summary>The one answer for "nothing was stored, send it again": 503 with Retry-After, which senders honour.</summary>
internal static class RetryLater
{
    /// <summary>How long senders are asked to wait, in seconds (the <c>Retry-After</c> value).</summary>
    public const string Seconds = "5";

    public static ProblemHttpResult Problem(HttpContext context, string detail, string title)
    {
        context.Response.Headers.RetryAfter = Seconds;
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title);
    }
}
