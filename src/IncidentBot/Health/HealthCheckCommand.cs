namespace IncidentBot.Health;

/// <summary>
/// <c>healthcheck [url]</c>: exits 0 when the bot's liveness endpoint answers 200, 1 otherwise. The ASP.NET runtime
/// image has no curl or wget, so the container's HEALTHCHECK runs the bot's own binary instead.
/// </summary>
internal static class HealthCheckCommand
{
    public const string Usage = "Usage: healthcheck [url]   (exits 0 when the URL answers 200; default: this bot's /healthz)";

    public static async Task<int> RunAsync(Uri url, TextWriter output)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(url);
            output.WriteLine($"{url}: {(int)response.StatusCode} {response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            output.WriteLine($"{url}: no answer ({ex.Message})");
            return 1;
        }
    }
}
