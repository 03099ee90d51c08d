using System.Net.Http.Json;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Runs chat commands through the HTTP API, as the web console does, against any running bot.</summary>
public static class CommandClient
{
    public static async Task<CommandResult> CommandAsync(this HttpClient client, int? incident, string user, string text)
    {
        var path = incident is null ? "/api/commands" : $"/api/incidents/{incident}/commands";
        var response = await client.PostAsJsonAsync(path, new { user, text });
        if (response.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            // Refused for want of a role: a problem whose detail is the refusal, read here as a refused command.
            var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            return new CommandResult(false, incident, [new MessageView("Error", "Requester", incident, false, problem.GetProperty("detail").GetString()!, [])]);
        }
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CommandResult>(Json.Options))!;
    }
}
