using System.Text.Json;
using System.Text.Json.Serialization;
using IncidentBot.Storage;

namespace IncidentBot.Hosting;

/// <summary>The API's shared conventions: problem details for every error, camelCase JSON, enums as strings.</summary>
internal static class ApiConventionExtensions
{
    /// <summary>
    /// Unhandled exceptions become problem details; unreadable requests keep their 4xx status; a store that is
    /// unavailable right now is 503 with <c>Retry-After</c>, as webhooks answer then.
    /// </summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                StorageUnavailableException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        }).UseStatusCodePages();

    public static IHostApplicationBuilder AddApiConventions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // A body that cannot be read (malformed JSON, wrong types) is the caller's mistake: say exactly what it was.
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Title = "The request could not be read";
                context.ProblemDetails.Detail = bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message;
            }
            // The store is down, full or read-only: nothing was done, and the same request may work in a moment.
            if (context.Exception is StorageUnavailableException)
            {
                context.ProblemDetails.Title = "Storage unavailable";
                context.ProblemDetails.Detail = "The store cannot be reached or written right now; nothing was changed. Try again after Retry-After.";
                context.HttpContext.Response.Headers.RetryAfter = Webhooks.RetryLater.Seconds;
            }
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // A name given twice would be read as its last value, silently; the sender meant one of them.
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        return builder;
    }
}
