using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>Bare Web API calls to a <see cref="FakeSlackApi"/>, as any HTTP client would make them.</summary>
internal static class SlackHttp
{
    private static readonly HttpClient Http = new();

    public static async Task<SlackAnswer> CallAsync(FakeSlackApi slack, string method, object? args = null, string? token = "xoxb-test")
    {
        // JsonContent sends "application/json; charset=utf-8", as Slack asks.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.BaseUrl, method)) { Content = JsonContent.Create(args ?? new { }) };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject(), response.Headers.RetryAfter?.Delta);
    }

    public static async Task<string> CreateChannelAsync(FakeSlackApi slack, string name)
    {
        var created = await CallAsync(slack, "conversations.create", new { name });
        return created.Body!["channel"]!["id"]!.GetValue<string>();
    }

    public static async Task<SlackAnswer> PostFormAsync(FakeSlackApi slack, string method, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.BaseUrl, method)) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "xoxb-test");
        using var response = await Http.SendAsync(request);
        return new(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), null);
    }

    public sealed record SlackAnswer(HttpStatusCode Status, JsonObject? Body, TimeSpan? RetryAfter)
    {
        public bool Ok => Status == HttpStatusCode.OK && Body?["ok"]?.GetValue<bool>() == true;

        public string? Error => Body?["error"]?.GetValue<string>();
    }
}
