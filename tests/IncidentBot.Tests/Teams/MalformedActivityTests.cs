using System.Collections.Concurrent;
using System.Net;
using System.Text;
using IncidentBot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// A thousand broken variants of the published Teams activities, each with a valid Bot Connector token so the
/// activity parser is what gets exercised: 2xx or 4xx, never 5xx; bad tokens are refused; nothing is opened.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class MalformedActivityTests(ITestOutputHelper output)
{
    private const int Seed = 20_261_128;
    private const int Count = 1_000;

    [Fact]
    public async Task MutatedActivitiesGetA2xxOrA4xxAndNeverA5xx()
    {
        // Every refusal logs a warning; a thousand of them on the console would cost more than the requests.
        await using var teams = await TeamsHarness.StartAsync(settings: new()
        {
            ["Logging:LogLevel:Default"] = "Error",
            // A thousand requests from one address within seconds is past a client's request budget by design
            // (ClientLimitsTests); this test is about parsing, so its one client gets a budget it cannot reach.
            ["ClientLimits:RequestsPerSecond"] = "1000000",
            ["ClientLimits:RequestBurst"] = "1000000",
        });
        var client = teams.App.CreateClient();
        var originals = Fixtures.Files("teams").Where(f => !f.EndsWith("openid-metadata.json"))
            .Select(f => teams.Fixture(Path.GetFileName(f))).ToList();
        // Tokens are bound to the service URL, which the fixtures now share: one token serves every request.
        var authorization = teams.AuthorizationFor(originals[0]);
        var outcomes = new ConcurrentDictionary<int, int>();

        await Parallel.ForAsync(0, Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var seed = Seed + i;
            var random = new Random(seed);
            var forged = random.Next(20) == 0;
            var mutation = PayloadMutator.MutateJson(Encoding.UTF8.GetBytes(originals[random.Next(originals.Count)].ToJsonString()), random);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new ByteArrayContent(mutation.Body) };
            if (mutation.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            request.Headers.TryAddWithoutValidation("Authorization", forged ? authorization[..^4] + "AAAA" : authorization);

            using var response = await client.SendAsync(request);

            var status = (int)response.StatusCode;
            outcomes.AddOrUpdate(status, 1, (_, n) => n + 1);
            var what = $"/api/messages answered {status} to {mutation.Describe(seed)}\n{await response.Content.ReadAsStringAsync()}";
            Assert.True(status is (>= 200 and < 300) or (>= 400 and < 500), what);
            Assert.True(!forged || status is 401 or 413, $"a bad token was not refused: {what}");
        });

        output.WriteLine($"/api/messages: seed {Seed}, answers {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}"))}");
        Assert.True(outcomes.GetValueOrDefault(200) >= 100, "too few mutated activities got past the token to the parser");
        Assert.Empty(await teams.App.ListIncidentsAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
