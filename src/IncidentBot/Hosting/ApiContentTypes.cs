using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace IncidentBot.Hosting;

/// <summary>
/// State-changing API calls (<c>POST</c>, <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c> under <c>/api</c>) take only the
/// content types their endpoint declares: JSON for JSON bodies, <c>text/markdown</c> for a review. Endpoints
/// without a body take none, or JSON (the console sends that header on every call). Everything else, above all
/// <c>text/plain</c>, forms and <c>multipart/form-data</c> (what a page on another site can send without asking
/// first), gets <c>415</c>. Teams' <c>/api/messages</c> has its own rules.
/// </summary>
internal static class ApiContentTypes
{
    public static IApplicationBuilder UseApiContentTypes(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/api/messages")
            || context.GetEndpoint() is not { } endpoint)
        {
            await next(context);
            return;
        }
        var accepted = endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().SelectMany(m => m.ContentTypes).ToList();
        if (Accepts(accepted, request.ContentType))
        {
            await next(context);
            return;
        }
        var expected = accepted.Count == 0 ? "no body (or application/json)" : string.Join(" or ", accepted.Distinct());
        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        await Results.Problem($"{request.Method} {request.Path} takes {expected}, not '{request.ContentType ?? "no content type"}'.",
            statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type").ExecuteAsync(context);
    });

    private static bool Accepts(IReadOnlyList<string> accepted, string? contentType)
    {
        if (contentType is null)
        {
            return accepted.Count == 0;
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var given) || given.MediaType.Value is not { } mediaType)
        {
            return false;
        }
        return (accepted.Count == 0 ? ["application/json"] : accepted).Any(a => Matches(a, mediaType));
    }

    /// <summary>Same media type (any case, parameters aside), and <c>application/*+json</c> where JSON is taken.</summary>
    private static bool Matches(string accepted, string given) =>
        string.Equals(accepted, given, StringComparison.OrdinalIgnoreCase)
        || (string.Equals(accepted, "application/json", StringComparison.OrdinalIgnoreCase)
            && given.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && given.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
