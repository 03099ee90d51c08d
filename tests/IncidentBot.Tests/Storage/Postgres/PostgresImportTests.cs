using IncidentBot.Alerts;
using IncidentBot.Incidents;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// What <c>storage copy</c> writes for values PostgreSQL is particular about: raw alert payloads (kept as jsonb when
/// PostgreSQL can hold them, as a JSON string otherwise, NULL when empty) and text with characters PostgreSQL cannot
/// store (a NUL, half of a surrogate pair), which must never stop a copy.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresImportTests(PostgresServer server)
{
    public static TheoryData<string, string> RawPayloads => new()
    {
        { """{"labels":{"alertname":"DiskFull"},"startsAt":"2026-12-05T10:00:00Z"}""", "json" },
        { "  [1, 2, {\"a\": null}]  ", "json" },
        { "\"only a string\"", "string" },
        { "42", "json" },
        { "1e400", "json" },
        { "true", "json" },
        { "null", "json" },
        { """{"a":1,"a":2}""", "json" },
        { """{"a":"\ud83d\ude00 ünïcödé 😀"}""", "json" },
        { """{"a":"\\u0000 is only text here"}""", "json" },
        { new string('[', 100) + new string(']', 100), "json" },
        { "", "null" },
        { "   ", "string" },
        { """{"title": "cut off""", "string" },
        { "not json at all", "string" },
        { "<html><body>502 Bad Gateway</body></html>", "string" },
        { """{"a":1,}""", "string" },
        { "// a comment\n{}", "string" },
        { """{"a":"\u0000"}""", "string" },
        { """{"a":"x \u0000 y","b":1}""", "string" },
        { """{"a":"\\u0000 is a backslash and text"}""", "json" },
        { """{"a":"\u0041\n\t\"","b":"\u00e9"}""", "json" },
        { "[-0.5e+10, 1E-5, 0]", "json" },
        { "[1e-2147483648]", "string" },
        { "[1e2147483648]", "string" },
        { "1e99999", "string" },
        { """{"a":"\uD83D\uDE00 \ud83d\ude00"}""", "json" },
        { """{"a":"\uDBFF"}""", "string" },
        { """{"a":"ok \u00e9 then \uDFFF"}""", "string" },
        { """{"\u0000":1}""", "string" },
        { """{"a":"\ud800"}""", "string" },
        { """{"a":"x \udc00"}""", "string" },
        { new string('[', 600) + new string(']', 600), "string" },
    };

    [SkippableTheory]
    [MemberData(nameof(RawPayloads))]
    public async Task ARawPayloadIsJsonbWhenPostgresCanHoldItAndAJsonStringOtherwise(string raw, string stored)
    {
        var database = await server.CreateDatabaseAsync();

        CopyOneAlert(database, "Disk full", raw);

        Assert.Equal(stored, await Sql.ScalarAsync<string>(database,
            "SELECT CASE WHEN raw IS NULL THEN 'null' WHEN jsonb_typeof(raw) = 'string' AND raw #>> '{}' = @raw THEN 'string' ELSE 'json' END FROM alerts", ("raw", raw)));
        if (stored == "json")
        {
            Assert.True(await Sql.ScalarAsync<bool>(database, "SELECT raw = @raw::jsonb FROM alerts", ("raw", raw)));
        }
        if (stored == "string")
        {
            Assert.Equal(raw, await Sql.ScalarAsync<string>(database, "SELECT raw #>> '{}' FROM alerts")); // the sender's text, exactly
        }
    }

    public static TheoryData<string, string> Texts => new()
    {
        { "plain", "plain" },
        { "ünïcödé 😀 \ud83d\ude00", "ünïcödé 😀 😀" },
        { "a\0b", "a\uFFFDb" },
        { "\0\0", "\uFFFD\uFFFD" },
        { "\uD800x", "\uFFFDx" },
        { "x\uDC00", "x\uFFFD" },
        { "\uDC00\uD800", "\uFFFD\uFFFD" },
        { "tab\there\nnewline", "tab\there\nnewline" },
    };

    [SkippableTheory]
    [MemberData(nameof(Texts))]
    public async Task TextPostgresCannotStoreIsCopiedWithAReplacementCharacterAndCounted(string text, string stored)
    {
        var database = await server.CreateDatabaseAsync();

        var repaired = CopyOneAlert(database, text, "{\"a\":1}", text);

        Assert.Equal(stored, await Sql.ScalarAsync<string>(database, "SELECT title FROM incidents"));
        Assert.Equal(stored, await Sql.ScalarAsync<string>(database, "SELECT participants[1] FROM incidents"));
        Assert.Equal(stored, await Sql.ScalarAsync<string>(database, "SELECT title FROM alerts"));
        Assert.Equal(stored, await Sql.ScalarAsync<string>(database, "SELECT labels ->> 'service' FROM alerts"));
        Assert.Equal(stored, await Sql.ScalarAsync<string>(database, "SELECT (SELECT key FROM jsonb_each_text(labels) WHERE value = 'key') FROM alerts"));
        Assert.Equal(stored != text, repaired > 0);
    }

    [SkippableFact]
    public async Task AnIncidentsOnCallAskIsCopied()
    {
        var database = await server.CreateDatabaseAsync();
        var at = new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
        using (var import = PostgresImport.Begin(database))
        {
            import.CopyIncidents(
            [
                new Incident { Number = 1, Version = 1, Title = "a", CreatedAt = at, OnCall = new() { Component = "checkout-api", Handle = "ann", Level = 1, AskedAt = at, Asked = ["ann"], People = [new() { Handle = "ann", Level = 1 }] } },
                new Incident { Number = 2, Version = 1, Title = "b", CreatedAt = at },
            ]);
            import.Commit();
        }

        await using var source = Npgsql.NpgsqlDataSource.Create(database);
        var store = new PostgresIncidentStore(source);
        var ask = (await store.FindAsync(1, CancellationToken.None))!.OnCall!;
        Assert.Equal(("checkout-api", "ann", 1, at), (ask.Component, ask.Handle, ask.Level, ask.AskedAt));
        Assert.Null((await store.FindAsync(2, CancellationToken.None))!.OnCall);
    }

    /// <summary>One incident with one alert, copied and committed; the number of repaired values.</summary>
    private static long CopyOneAlert(string database, string title, string raw, string label = "checkout")
    {
        using var import = PostgresImport.Begin(database);
        var incident = new Incident { Number = 1, Version = 1, Title = title, CreatedAt = DateTimeOffset.UtcNow, Participants = [title] };
        Assert.Equal(1, import.CopyIncidents([incident]));
        Assert.Equal(1, import.CopyAlerts(
        [
            new IncidentAlert
            {
                Id = IncidentAlert.IdFor(1, "generic", "f"), IncidentNumber = 1, Source = "generic", Fingerprint = "f", Status = AlertStatus.Firing,
                Title = title, Labels = new() { ["service"] = label, [label] = "key" }, FirstSeenAt = DateTimeOffset.UtcNow, Raw = raw,
            },
        ]));
        import.Commit();
        return import.RepairedValues;
    }
}
