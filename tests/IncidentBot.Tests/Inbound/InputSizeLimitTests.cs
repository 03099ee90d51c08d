using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Chat.Commands;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Inbound;

/// <summary>
/// The limits of docs/security.md, "Size limits": descriptive alert text is cut with a visible "…", identifying text
/// is refused with the field named and nothing stored, commands and review versions over their limits are refused
/// whole, and a review's history stays within its budget.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class InputSizeLimitTests
{
    [Fact]
    public async Task AHugeTitleAndDescriptionAreCutWithAnEllipsisAndTheRawAlertIsKept()
    {
        await using var app = new IncidentBotApplication(new() { ["Intake:PauseProcessing"] = "true" });
        var title = "Checkout " + new string('x', 900_000);
        var body = new JsonObject { ["title"] = title, ["description"] = new string('d', 100_000), ["annotations"] = new JsonObject { ["runbook"] = new string('a', 9_000) } };

        var response = await app.PostRawAsync("/webhooks/generic", body.ToJsonString());

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var alert = Assert.Single(await app.Inbox.ClaimAsync("test", 10, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))).Alert;
        Assert.Equal(1_000, alert.Title.Length);
        Assert.StartsWith("Checkout xxx", alert.Title);
        Assert.EndsWith("…", alert.Title);
        Assert.Equal(16_384, alert.Description!.Length);
        Assert.EndsWith("…", alert.Description);
        Assert.Contains(title, alert.Raw);
    }

    public static TheoryData<string, string> Oversized() => new()
    {
        { "labels.service", """{"title":"t","labels":{"service":"LONG4097"}}""" },
        { "labels.KEY257", """{"title":"t","labels":{"LONG257":"v"}}""" },
        { "labels", "{\"title\":\"t\",\"labels\":{" + string.Join(",", Enumerable.Range(0, 201).Select(i => $"\"l{i}\":\"v\"")) + "}}" },
        { "links", "{\"title\":\"t\",\"links\":[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"https://example.com/{i}\"")) + "]}" },
        { "links[0]", """{"title":"t","links":["https://example.com/LONG2049"]}""" },
        { "alerts[1].labels.service", """[{"title":"fine"},{"title":"t","labels":{"service":"LONG4097"}}]""" },
    };

    [Theory]
    [MemberData(nameof(Oversized))]
    public async Task IdentifyingTextOverItsLimitIsRefusedWithTheFieldNamedAndNothingIsStored(string field, string template)
    {
        await using var app = new IncidentBotApplication(new() { ["Intake:PauseProcessing"] = "true" });
        var body = System.Text.RegularExpressions.Regex.Replace(template, "LONG(\\d+)", m => new string('k', int.Parse(m.Groups[1].Value)));
        var expected = field.Replace("KEY257", new string('k', 40)[..39] + "…");

        var response = await app.PostRawAsync("/webhooks/generic", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.Any(e => e.Key.EndsWith(expected, StringComparison.Ordinal)), $"expected an error for {expected}: {errors.ToJsonString()}");
        Assert.Contains("Limits:", problem["detail"]!.GetValue<string>());
        Assert.Equal(0, await app.Inbox.PendingCountAsync());
    }

    [Fact]
    public async Task KeysOverTheLimitStandForThemselvesByTheirHashSoLongTitledAlertsStillCorrelate()
    {
        await using var app = new IncidentBotApplication(new() { ["Intake:PauseProcessing"] = "true" });
        var title = new string('t', 5_000);

        // The generic source keys by title when no dedupKey is given; the last two differ only in their last character.
        foreach (var suffix in new[] { "a", "a", "b" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/generic", new JsonObject { ["title"] = title + suffix }.ToJsonString())).StatusCode);
        }

        var alerts = (await app.Inbox.ClaimAsync("test", 10, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))).Select(e => e.Alert).ToList();
        Assert.All(alerts, a => Assert.True(a.Fingerprint.Length <= 1_000 && a.GroupKey.Length <= 1_000, a.GroupKey));
        Assert.Equal(2, alerts.Select(a => a.GroupKey).Distinct().Count());
        Assert.Equal(alerts[0].GroupKey, alerts[1].GroupKey);
        Assert.StartsWith("generic:sha256:", alerts[0].GroupKey);
    }

    [Theory]
    [InlineData("nul\u0000inside")]
    [InlineData("\u0000")]
    [InlineData("lone high \ud800 surrogate")]
    [InlineData("lone low \udc00 surrogate")]
    [InlineData("reversed pair \udc00\ud800")]
    [InlineData("high at the end \ud83d")]
    public void TextNoStoreCanKeepBecomesTheReplacementCharacterInEveryField(string bad)
    {
        var alert = new Alert
        {
            Source = "generic",
            Fingerprint = bad,
            GroupKey = "generic:" + bad,
            Status = AlertStatus.Firing,
            Severity = bad,
            Title = bad,
            Description = bad,
            Labels = new() { [bad] = bad, ["ok"] = "fine 🚒" },
            Annotations = new() { ["summary"] = bad },
            Links = [new AlertLink(bad, "https://example.com/" + bad)],
        };

        var stored = AlertLimits.Apply([alert], new IncidentBot.Inbound.InputLimits()).Single();

        string[] texts = [stored.Fingerprint, stored.GroupKey, stored.Severity!, stored.Title, stored.Description!,
            .. stored.Labels.Keys, .. stored.Labels.Values, .. stored.Annotations.Values, .. stored.Links.Select(l => l.Title), .. stored.Links.Select(l => l.Url)];
        Assert.All(texts, t => Assert.True(StorableText.IsStorable(t), t));
        Assert.Contains("\ufffd", stored.Title);
        Assert.Equal("fine 🚒", stored.Labels["ok"]);
    }

    [Fact]
    public void AnnotationValuesAreCutAndTooManyOrTooLongNamesAreRefused()
    {
        var limits = new IncidentBot.Inbound.InputLimits();
        Alert With(Dictionary<string, string> annotations) => new() { Source = "alertmanager", Fingerprint = "f", GroupKey = "alertmanager:g", Status = AlertStatus.Firing, Title = "t", Annotations = annotations };

        var cut = AlertLimits.Apply([With(new() { ["summary"] = new string('s', 5_000) })], limits).Single();
        var tooMany = Assert.Throws<AlertPayloadException>(() => AlertLimits.Apply([With(Enumerable.Range(0, 201).ToDictionary(i => $"a{i}", _ => "v"))], limits));
        var longName = Assert.Throws<AlertPayloadException>(() => AlertLimits.Apply([With(new() { [new string('n', 257)] = "v" })], limits));

        Assert.Equal(4_096, cut.Annotations["summary"].Length);
        Assert.EndsWith("…", cut.Annotations["summary"]);
        Assert.Equal("$.annotations", tooMany.Field);
        Assert.StartsWith("$.annotations.nnn", longName.Field);
        Assert.Contains("Limits:LabelKeyChars", longName.Message);
    }

    [Fact]
    public async Task ACommandOverTheLimitIsRefusedWhereverItIsTyped()
    {
        await using var app = new IncidentBotApplication();
        var command = "declare " + new string('x', 4_000);

        var overHttp = await app.CreateClient().PostAsync("/api/commands", new StringContent(new JsonObject { ["user"] = "alice", ["text"] = command }.ToJsonString(), Encoding.UTF8, "application/json"));
        // Slack and Teams reach the same handler without the API's validation.
        var inChat = await app.Services.GetRequiredService<ChatCommandHandler>().HandleAsync("alice", command, null);

        Assert.Equal(HttpStatusCode.BadRequest, overHttp.StatusCode);
        Assert.Contains("Limits:CommandTextChars", await overHttp.Content.ReadAsStringAsync());
        Assert.True(inChat.IsError);
        Assert.Contains("at most 4,000", inChat.Messages.Single().ToPlainText());
        Assert.Empty(await app.ListIncidentsAsync());
    }

    [Fact]
    public async Task AReviewOverTheVersionLimitIsRefusedWholeAndTheHistoryStaysWithinItsBudget()
    {
        await using var app = new IncidentBotApplication(new() { ["Limits:ReviewVersionBytes"] = "10000", ["Limits:ReviewHistoryBytes"] = "40000" });
        var client = app.CreateClient();
        await app.CommandAsync(null, "alice", "declare Checkout is down sev2");
        await app.CommandAsync(1, "alice", "rca");
        var store = app.Services.GetRequiredService<IRcaStore>();
        var generated = (await store.FindRcaAsync(1))!.Current.Markdown;

        var tooLarge = await PutAsync(client, 1, new string('r', 10_001));
        var same = await PutAsync(client, 1, generated);
        for (var version = 1; version <= 12; version++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(client, version, $"# Edit {version}\n" + new string('e', 9_000))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("Limits:ReviewVersionBytes", await tooLarge.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, same.StatusCode);
        Assert.Equal("\"1\"", same.Headers.ETag?.Tag);
        var document = (await store.FindRcaAsync(1))!;
        Assert.Equal(13, document.Current.Version);
        Assert.Equal(generated, document.Versions[0].Markdown);
        Assert.True(document.Versions.Sum(v => Encoding.UTF8.GetByteCount(v.Markdown)) <= 40_000, $"{document.Versions.Count} versions kept");
        Assert.Equal([1, 10, 11, 12, 13], document.Versions.Select(v => v.Version));
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, int ifMatch, string markdown)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/incidents/1/rca?user=alice") { Content = new StringContent(markdown, Encoding.UTF8, "text/markdown") };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{ifMatch}\""));
        return await client.SendAsync(request);
    }
}
