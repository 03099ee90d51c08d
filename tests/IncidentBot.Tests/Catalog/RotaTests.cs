using IncidentBot.Catalog;
using IncidentBot.Catalog.Rotas;
using NodaTime;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// Rotas across daylight-saving changes in Berlin, New York and Sydney (southern hemisphere: clocks go back in April,
/// forward in October), with handoffs in skipped and repeated hours, and overrides across shift boundaries.
/// Dates are 2026: Berlin changes on 29 March and 25 October, New York on 8 March and 1 November, Sydney on 5 April
/// and 4 October.
/// </summary>
public sealed class RotaTests
{
    private static Rota Rota(string zone, string handoff, string every, string start, string members = "[a@example.com, b@example.com, c@example.com]", string overrides = "")
    {
        var file = CatalogFileReader.Read(CatalogFiles.Rota("r", zone, handoff, every, start, members, overrides), "rota.yaml");
        Assert.Empty(file.Problems);
        return Assert.Single(file.Rotas);
    }

    private static Instant At(string offsetDateTime) => NodaTime.Text.OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>").Parse(offsetDateTime).GetValueOrThrow().ToInstant();

    private static string Local(Rota rota, Instant? instant) => instant is { } i
        ? NodaTime.Text.OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<+HH:mm>").Format(i.InZone(rota.Zone).ToOffsetDateTime())
        : "never";

    public static TheoryData<string, string, string, string, string, string, double> DaylightSavingShifts => new()
    {
        // zone, every, start, asked at, who, shift ends (local, with offset), shift length in hours
        { "Europe/Berlin", "1d", "2026-03-27", "2026-03-28T10:00+01:00", "b@example.com", "2026-03-29T09:00+02:00", 23 },
        { "Europe/Berlin", "1d", "2026-03-27", "2026-03-29T08:59+02:00", "b@example.com", "2026-03-29T09:00+02:00", 23 },
        { "Europe/Berlin", "1d", "2026-10-23", "2026-10-24T12:00+02:00", "b@example.com", "2026-10-25T09:00+01:00", 25 },
        { "Europe/Berlin", "1w", "2026-03-23", "2026-03-25T12:00+01:00", "a@example.com", "2026-03-30T09:00+02:00", 167 },
        { "Europe/Berlin", "1w", "2026-10-19", "2026-10-25T12:00+01:00", "a@example.com", "2026-10-26T09:00+01:00", 169 },
        { "America/New_York", "1d", "2026-03-07", "2026-03-07T20:00-05:00", "a@example.com", "2026-03-08T09:00-04:00", 23 },
        { "America/New_York", "1d", "2026-10-31", "2026-11-01T08:59-05:00", "a@example.com", "2026-11-01T09:00-05:00", 25 },
        { "America/New_York", "1w", "2026-03-02", "2026-03-05T12:00-05:00", "a@example.com", "2026-03-09T09:00-04:00", 167 },
        { "America/New_York", "1w", "2026-10-26", "2026-10-30T12:00-04:00", "a@example.com", "2026-11-02T09:00-05:00", 169 },
        { "Australia/Sydney", "1d", "2026-04-04", "2026-04-04T22:00+11:00", "a@example.com", "2026-04-05T09:00+10:00", 25 },
        { "Australia/Sydney", "1d", "2026-10-03", "2026-10-03T22:00+10:00", "a@example.com", "2026-10-04T09:00+11:00", 23 },
        { "Australia/Sydney", "1w", "2026-03-30", "2026-04-01T12:00+11:00", "a@example.com", "2026-04-06T09:00+10:00", 169 },
        { "Australia/Sydney", "1w", "2026-09-28", "2026-10-01T12:00+10:00", "a@example.com", "2026-10-05T09:00+11:00", 167 },
    };

    [Theory]
    [MemberData(nameof(DaylightSavingShifts))]
    public void HandoffStaysAtNineLocalTimeAcrossDaylightSavingChanges(string zone, string every, string start, string at, string who, string ends, double hours)
    {
        var rota = Rota(zone, "09:00", every, start);

        var (now, next) = rota.NowAndNext(At(at));

        Assert.Equal(who, now.Who);
        Assert.Equal(ends, Local(rota, now.Until));
        var index = rota.ShiftIndex(At(at));
        Assert.Equal(hours, (rota.ShiftStart(index + 1) - rota.ShiftStart(index)).TotalHours);
        Assert.NotEqual(who, next!.Who);
        Assert.Equal(now.Until, rota.ShiftStart(index + 1));
    }

    public static TheoryData<string, string, string, string, string> SkippedAndRepeatedHandoffs => new()
    {
        // zone, handoff, date of the change, handoff instant (UTC), why
        { "Europe/Berlin", "02:30", "2026-03-29", "2026-03-29T01:00Z", "skipped: at 03:00 CEST, when the clocks jump" },
        { "Europe/Berlin", "02:00", "2026-03-29", "2026-03-29T01:00Z", "skipped: 02:00 itself does not exist" },
        { "Europe/Berlin", "02:30", "2026-10-25", "2026-10-25T00:30Z", "repeated: the first 02:30 (CEST)" },
        { "America/New_York", "02:30", "2026-03-08", "2026-03-08T07:00Z", "skipped: at 03:00 EDT" },
        { "America/New_York", "01:30", "2026-11-01", "2026-11-01T05:30Z", "repeated: the first 01:30 (EDT)" },
        { "Australia/Sydney", "02:30", "2026-10-04", "2026-10-03T16:00Z", "skipped: at 03:00 AEDT" },
        { "Australia/Sydney", "02:30", "2026-04-05", "2026-04-04T15:30Z", "repeated: the first 02:30 (AEDT)" },
    };

    [Theory]
    [MemberData(nameof(SkippedAndRepeatedHandoffs))]
    public void HandoffInASkippedHourHappensWhenTheClocksJumpAndInARepeatedHourTheFirstTime(string zone, string handoff, string date, string expected, string why)
    {
        var rota = Rota(zone, handoff, "1d", LocalDate.FromDateTime(DateTime.Parse(date)).PlusDays(-1).ToString("uuuu-MM-dd", null));
        var handover = At(expected);

        Assert.True(rota.ShiftStart(1) == handover, $"{why}: expected {expected}, got {rota.ShiftStart(1)}");
        Assert.Equal("a@example.com", rota.WhoAt(handover - Duration.FromTicks(1)));
        Assert.Equal("b@example.com", rota.WhoAt(handover));
        Assert.Equal(handover, rota.NowAndNext(handover - Duration.FromMinutes(1)).Now.Until);
        // One shift only, even when the handoff hour happens twice.
        Assert.Equal("b@example.com", rota.WhoAt(handover + Duration.FromHours(1)));
    }

    /// <summary>Zones with and without daylight saving, a half-hour change (Lord Howe) and changes at midnight (Santiago).</summary>
    public static TheoryData<string, string> EveryZoneAndHandoff()
    {
        var data = new TheoryData<string, string>();
        foreach (var zone in new[] { "Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "UTC" })
        {
            foreach (var handoff in new[] { "00:00", "00:30", "01:30", "02:00", "02:30", "03:00", "09:00", "23:30" })
            {
                data.Add(zone, handoff);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryZoneAndHandoff))]
    public void EveryDailyShiftOfTwoYearsStartsAtTheHandoffOrWhenTheClocksJumpOverIt(string zone, string handoff)
    {
        var rota = Rota(zone, handoff, "1d", "2026-01-01");
        var tz = rota.Zone;
        var previous = rota.ShiftStart(0) - Duration.FromHours(30);
        for (var k = 0; k < 2 * 366; k++)
        {
            var start = rota.ShiftStart(k);
            var local = rota.Start.PlusDays(k) + rota.Handoff;
            var mapping = tz.MapLocal(local);
            if (mapping.Count == 0)
            {
                // Skipped: the shift starts at the very instant the clocks jumped.
                Assert.Equal(tz.GetZoneInterval(start).Start, start);
                Assert.True(start.InZone(tz).LocalDateTime > local);
            }
            else
            {
                Assert.Equal(mapping.First().ToInstant(), start);
            }
            Assert.True(start > previous, $"shift {k} starts before shift {k - 1}");
            Assert.Equal(k, rota.ShiftIndex(start));
            Assert.Equal(k - 1, rota.ShiftIndex(start - Duration.FromTicks(1)));
            Assert.Equal(rota.Members[k % 3], rota.WhoAt(start));
            Assert.Equal(start, rota.NowAndNext(start - Duration.FromTicks(1)).Now.Until);
            previous = start;
        }
    }

    [Fact]
    public void OverrideAcrossAShiftBoundaryReplacesBothShiftsForItsTimeOnly()
    {
        // a: 5–12 January, b: 12–19 January (Mondays 09:00 Berlin); c covers from Saturday evening to Wednesday noon.
        var rota = Rota("Europe/Berlin", "09:00", "1w", "2026-01-05", "[a@example.com, b@example.com]", """
              overrides:
                - from: 2026-01-10T18:00
                  to: 2026-01-14T12:00
                  who: c@example.com
            """);

        var (now, next) = rota.NowAndNext(At("2026-01-08T12:00+01:00"));
        Assert.Equal(("a@example.com", "2026-01-10T18:00+01:00"), (now.Who, Local(rota, now.Until)));
        Assert.Equal(("c@example.com", "2026-01-14T12:00+01:00"), (next!.Who, Local(rota, next.Until)));

        (now, next) = rota.NowAndNext(At("2026-01-12T09:00+01:00"));
        Assert.Equal(("c@example.com", "2026-01-14T12:00+01:00"), (now.Who, Local(rota, now.Until)));
        Assert.Equal(("b@example.com", "2026-01-19T09:00+01:00"), (next!.Who, Local(rota, next.Until)));

        (now, _) = rota.NowAndNext(At("2026-01-14T12:00+01:00"));
        Assert.Equal(("b@example.com", "2026-01-19T09:00+01:00"), (now.Who, Local(rota, now.Until)));
    }

    [Fact]
    public void OverrideGivingTheShiftToWhoeverHasTheNextOneJoinsTheTwo()
    {
        // b starts a day early: b is on call from Sunday 09:00 until b's own shift ends a week later.
        var rota = Rota("Europe/Berlin", "09:00", "1w", "2026-01-05", "[a@example.com, b@example.com]", """
              overrides:
                - from: 2026-01-11T09:00
                  to: 2026-01-12T09:00
                  who: b@example.com
            """);

        var (now, next) = rota.NowAndNext(At("2026-01-11T10:00+01:00"));

        Assert.Equal(("b@example.com", "2026-01-19T09:00+01:00"), (now.Who, Local(rota, now.Until)));
        Assert.Equal("a@example.com", next!.Who);
    }

    [Fact]
    public void LaterOverrideWinsWhereTwoOverlapAndTheCatalogSaysSo()
    {
        var yaml = CatalogFiles.Rota("r", members: "[a@example.com, b@example.com]", overrides: """
              overrides:
                - from: 2026-01-06T00:00
                  to: 2026-01-08T00:00
                  who: c@example.com
                - from: 2026-01-07T00:00
                  to: 2026-01-09T00:00
                  who: d@example.com
            """);
        using var files = new CatalogFiles();
        var catalog = CatalogFolder.Read(files.Write("r.yaml", yaml).Folder).Catalog;
        var rota = Assert.Single(catalog.Rotas);

        Assert.Equal("c@example.com", rota.WhoAt(At("2026-01-06T12:00+01:00")));
        Assert.Equal("d@example.com", rota.WhoAt(At("2026-01-07T12:00+01:00")));
        Assert.Equal("a@example.com", rota.WhoAt(At("2026-01-09T12:00+01:00")));
        Assert.Equal("r.yaml:15: rota `r`: this override overlaps the one at line 12; the later one wins where they overlap", Assert.Single(catalog.Problems).ToString());
    }

    [Fact]
    public void OverrideWrittenInLocalTimeAcrossTheSpringChangeIsTwentyThreeHoursAndOneWithAnOffsetIsExact()
    {
        var rota = Rota("Europe/Berlin", "09:00", "1w", "2026-03-23", "[a@example.com, b@example.com]", """
              overrides:
                - from: 2026-03-28T20:00
                  to: 2026-03-29T20:00
                  who: c@example.com
                - from: 2026-03-31T08:00Z
                  to: 2026-03-31T10:30+02:00
                  who: d@example.com
            """);

        Assert.Equal(23, (rota.Overrides[0].To - rota.Overrides[0].From).TotalHours);
        Assert.Equal(At("2026-03-31T08:00+00:00"), rota.Overrides[1].From);
        Assert.Equal(0.5, (rota.Overrides[1].To - rota.Overrides[1].From).TotalHours);
    }

    [Fact]
    public void BeforeTheFirstShiftNobodyIsOnCallAndTheFirstMemberIsNext()
    {
        var rota = Rota("America/New_York", "09:00", "1w", "2026-03-02");

        var (now, next) = rota.NowAndNext(At("2026-02-20T12:00-05:00"));

        Assert.Null(now.Who);
        Assert.Equal("2026-03-02T09:00-05:00", Local(rota, now.Until));
        Assert.Equal(("a@example.com", "2026-03-09T09:00-04:00"), (next!.Who, Local(rota, next.Until)));
    }

    [Fact]
    public void OneMemberIsOnCallWithNoEndAndNobodyNext()
    {
        var rota = Rota("UTC", "09:00", "1d", "2026-01-01", "[solo@example.com]");

        var (now, next) = rota.NowAndNext(At("2027-06-01T00:00+00:00"));

        Assert.Equal("solo@example.com", now.Who);
        Assert.Null(now.Until);
        Assert.Null(next);
    }

    [Fact]
    public void ShiftFarInTheFutureIsFoundWithoutWalkingEveryShift()
    {
        var rota = Rota("Europe/Berlin", "09:00", "1d", "2026-01-01");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var index = rota.ShiftIndex(At("2096-01-01T12:00+01:00"));

        Assert.Equal(25567, index);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
    }
}
