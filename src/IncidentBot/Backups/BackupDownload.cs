using System.Net;
using System.Net.Http.Headers;

namespace IncidentBot.Backups;

/// <summary>Asks a running bot for a backup (<c>POST /api/admin/backup</c>) and saves what it sends.</summary>
internal static class BackupDownload
{
    /// <summary>Writes the bot's copy to <paramref name="destination"/>; returns the data file the bot says it copied.</summary>
    public static async Task<string?> SaveAsync(Uri bot, string? accessToken, string destination)
    {
        using var client = new HttpClient { BaseAddress = bot, Timeout = TimeSpan.FromMinutes(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/backup");
        if (!string.IsNullOrEmpty(accessToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new BackupRefusedException(response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => $"the bot at {bot} wants a token: set {Hosting.ToolConfiguration.ApiTokenVariable} to an API token with the responder role (`tokens create --name backup --role responder`), or WebConsole__AccessToken as the bot has it",
                // With Access lists set, the shared token and typed names carry no role: an API token does.
                HttpStatusCode.Forbidden => $"the bot at {bot} refused: {await ProblemDetailAsync(response) ?? "forbidden"} Set {Hosting.ToolConfiguration.ApiTokenVariable} to an API token with the responder role (`tokens create --name backup --role responder`).",
                HttpStatusCode.NotFound => $"the bot at {bot} has no backup endpoint: it is older than this tool, so stop it and back up its file",
                // A bot on PostgreSQL has no file to send; its problem detail gives the pg_dump command instead.
                HttpStatusCode.Conflict when await ProblemDetailAsync(response) is { } detail => $"the bot at {bot} keeps no data file. {detail}",
                var status => $"the bot at {bot} answered {(int)status} {status}: {await response.Content.ReadAsStringAsync()}",
            });
        }
        await using (var file = File.Create(destination))
        {
            await response.Content.CopyToAsync(file);
        }
        return response.Headers.TryGetValues(BackupEndpoints.DataFileHeader, out var values) ? values.FirstOrDefault() : null;
    }

    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response)
    {
        try
        {
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == System.Text.Json.JsonValueKind.String ? detail.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>The running bot did not hand over a backup; the message says why and what to do.</summary>
internal sealed class BackupRefusedException(string message) : Exception(message);
