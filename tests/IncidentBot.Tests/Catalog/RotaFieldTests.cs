using IncidentBot.Catalog;
using IncidentBot.Catalog.Rotas;
using IncidentBot.OnCall;
using NodaTime;

namespace IncidentBot.Tests.Catalog;

/// <summary>Bad rota fields (each at its line, the rota kept out) and the rota on-call source.</summary>
public sealed class RotaFieldTests
{
    public static TheoryData<string, int, string> BadFields => new()
    {
        { CatalogFiles.Rota("r", zone: "Europe/Berlinn"), 6, "`spec.timeZone: Europe/Berlinn` is not an IANA time zone" },
        { CatalogFiles.Rota("r", zone: "CET+1"), 6, "is not an IANA time zone" },
        { CatalogFiles.Rota("r").Replace("  timeZone: Europe/Berlin\n", ""), 4, "rota needs `spec.timeZone`" },
        { CatalogFiles.Rota("r", handoff: "9am"), 7, "`spec.handoff` must be a local time `HH:mm` (24-hour), e.g. `\"09:00\"`, not `9am`" },
        { CatalogFiles.Rota("r", handoff: "24:00"), 7, "`spec.handoff` must be a local time" },
        { CatalogFiles.Rota("r", handoff: "9:00"), 7, "`spec.handoff` must be a local time" },
        { CatalogFiles.Rota("r", handoff: "09:60"), 7, "`spec.handoff` must be a local time" },
        { CatalogFiles.Rota("r", every: "1m"), 8, "`spec.every` must be `1d` (daily) or `1w` (weekly)" },
        { CatalogFiles.Rota("r", every: "0d"), 8, "`spec.every` must be" },
        { CatalogFiles.Rota("r", every: "53w"), 8, "`spec.every` must be" },
        { CatalogFiles.Rota("r", every: "daily"), 8, "`spec.every` must be" },
        { CatalogFiles.Rota("r", start: "05/01/2026"), 9, "`spec.start` must be the date of the first shift, e.g. `2026-01-05`, not `05/01/2026`" },
        { CatalogFiles.Rota("r", start: "2026-02-30"), 9, "`spec.start` must be the date" },
        { CatalogFiles.Rota("r", members: "[]"), 10, "rota needs `spec.members`" },
        { CatalogFiles.Rota("r", members: "a@example.com"), 10, "rota needs `spec.members`" },
        { CatalogFiles.Rota("r", members: "[a@example.com, jdoe]"), 10, "rota member `jdoe` is not an e-mail address" },
        { CatalogFiles.Rota("r", members: "[a@example.com, {name: b}]"), 10, "rota member `(not a value)` is not an e-mail address" },
        { CatalogFiles.Rota("r", overrides: "  overrides: {from: x}"), 11, "`spec.overrides` must be a list" },
        { CatalogFiles.Rota("r", overrides: "  overrides:\n    - from: 2026-01-06\n      to: 2026-01-07\n      who: bob"), 14, "override `who` must be an e-mail address, not `bob`" },
        { CatalogFiles.Rota("r", overrides: "  overrides:\n    - from: next tuesday\n      to: 2026-01-07\n      who: b@example.com"), 12, "override `from` must be a date and time" },
        { CatalogFiles.Rota("r", overrides: "  overrides:\n    - from: 2026-01-06T09:00\n      to: 2026-01-06T25:00\n      who: b@example.com"), 13, "override `to` must be a date and time" },
        { CatalogFiles.Rota("r", overrides: "  overrides:\n    - from: 2026-01-07\n      to: 2026-01-06\n      who: b@example.com"), 13, "override `to` must be after its `from`" },
        { CatalogFiles.Rota("r", overrides: "  overrides:\n    - who: b@example.com"), 12, "override `from` must be a date and time" },
        { CatalogFiles.Rota("r", overrides: "  overrides:\n    - just text"), 12, "each override needs `from`, `to` and `who`" },
        { CatalogFiles.Rota("r").Replace("spec:", "nospec:"), 4, "rota `r` has no `spec`" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void BadRotaFieldIsAProblemAtItsLineAndTheRotaIsKeptOut(string yaml, int line, string message)
    {
        var file = CatalogFileReader.Read(yaml, "rota.yaml");

        Assert.True(file.Broken);
        Assert.Empty(file.Rotas);
        Assert.Contains(file.Problems, p => p.Line == line && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotaSourceAnswersNowAndNextWithNamesFromTheCatalogAndShiftEndsInUtc()
    {
        using var files = new CatalogFiles();
        files.Write("r.yaml", CatalogFiles.Rota("payments", zone: "America/New_York", every: "1w", start: "2026-03-02", members: "[ann@example.com, zed@example.com]")
            + "---\n" + CatalogFiles.User("Ann", "Ann@Example.com"));
        var source = new RotaOnCallSource(() => CatalogFolder.Read(files.Folder).Catalog);

        var answer = await source.WhoIsOnCallAsync(new OnCallTarget("rota", "", "Payments"), new DateTimeOffset(2026, 3, 5, 17, 0, 0, TimeSpan.Zero), CancellationToken.None);

        Assert.Equal("rota", source.Name);
        var now = Assert.Single(answer.Now);
        Assert.Equal(new OnCallPerson("Ann", "ann@example.com", 1, new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.FromHours(-4)), "rota"), now);
        Assert.Equal(TimeSpan.Zero, now.ShiftEnds!.Value.Offset);
        var next = Assert.Single(answer.Next);
        Assert.Equal(("zed@example.com", "zed@example.com"), (next.Name, next.Email));
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 13, 0, 0, TimeSpan.Zero), next.ShiftEnds);
    }

    [Fact]
    public async Task RotaSourceRefusesUnknownRotasAndOtherSourcesClearly()
    {
        var source = new RotaOnCallSource(() => ServiceCatalog.Empty);

        var unknown = await Assert.ThrowsAsync<OnCallSourceException>(() => source.WhoIsOnCallAsync(new OnCallTarget("rota", "", "nope"), DateTimeOffset.UtcNow, CancellationToken.None));
        var other = await Assert.ThrowsAsync<OnCallSourceException>(() => source.WhoIsOnCallAsync(new OnCallTarget("pagerduty", "schedule", "P1"), DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Equal(("rota", "there is no rota `nope` in the catalog"), (unknown.SourceName, unknown.Problem));
        Assert.Contains("is not a rota", other.Problem);
    }

    [Fact]
    public async Task RotaThatHasNotStartedAnswersNobodyNowAndWhoStarts()
    {
        var rota = CatalogFileReader.Read(CatalogFiles.Rota("later", start: "2030-01-07"), "r.yaml").Rotas.Single();
        var source = new RotaOnCallSource(() => new ServiceCatalog([], [rota], [], []));

        var answer = await source.WhoIsOnCallAsync(new OnCallTarget("rota", "", "later"), new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero), CancellationToken.None);

        Assert.Empty(answer.Now);
        Assert.Equal("a@example.com", Assert.Single(answer.Next).Email);
        Assert.Equal(Instant.FromUtc(2030, 1, 14, 8, 0).ToDateTimeOffset(), answer.Next[0].ShiftEnds!.Value.ToUniversalTime());
    }
}
