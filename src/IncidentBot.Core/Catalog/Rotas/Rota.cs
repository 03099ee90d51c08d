using NodaTime;
using NodaTime.TimeZones;

namespace IncidentBot.Catalog.Rotas;

/// <summary>
/// A rota for a team without a pager (<c>apiVersion: incidentbot.io/v1</c>, <c>kind: Rota</c>): the members take
/// turns, one shift each, handing over at <see cref="Handoff"/> local time every <see cref="EveryDays"/> days from
/// <see cref="Start"/>, in <see cref="Zone"/>. Overrides put someone else on call for a while; a later override wins
/// where two overlap.
/// </summary>
/// <remarks>
/// Shifts are counted in local dates, so a daily 09:00 handoff stays at 09:00 across daylight-saving changes (that
/// shift is then 23 or 25 hours long). A handoff time the clocks skip (02:30 when they jump from 02:00 to 03:00)
/// happens when the clocks jump, at 03:00; one they repeat (02:30 twice) happens the first time.
/// </remarks>
public sealed class Rota
{
    private static readonly ZoneLocalMappingResolver Resolver = Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    public required string Name { get; init; }
    public required string File { get; init; }
    public required int Line { get; init; }
    public required DateTimeZone Zone { get; init; }
    public required LocalTime Handoff { get; init; }
    public required int EveryDays { get; init; }
    public required LocalDate Start { get; init; }

    /// <summary>E-mails, in turn order.</summary>
    public required IReadOnlyList<string> Members { get; init; }
    public IReadOnlyList<RotaOverride> Overrides { get; init; } = [];

    /// <summary>The instant shift <paramref name="index"/> (0 first) begins.</summary>
    public Instant ShiftStart(long index) => ToInstant(Zone, Start.PlusDays((int)(index * EveryDays)) + Handoff);

    /// <summary>A local date and time in <paramref name="zone"/> as an instant, by the same rule as handoffs.</summary>
    public static Instant ToInstant(DateTimeZone zone, LocalDateTime local) => local.InZone(zone, Resolver).ToInstant();

    /// <summary>The person on call now and the next one, with when each hands over (null: no change ahead).</summary>
    public (RotaTurn Now, RotaTurn? Next) NowAndNext(Instant at)
    {
        var now = new RotaTurn(WhoAt(at), ChangeAfter(at, WhoAt(at)));
        if (now.Until is not { } end)
        {
            return (now, null);
        }
        var nextWho = WhoAt(end);
        return (now, new RotaTurn(nextWho, ChangeAfter(end, nextWho)));
    }

    public string? WhoAt(Instant at)
    {
        for (var i = Overrides.Count - 1; i >= 0; i--)
        {
            if (Overrides[i].From <= at && at < Overrides[i].To)
            {
                return Overrides[i].Who;
            }
        }
        var index = ShiftIndex(at);
        return index < 0 ? null : Members[(int)(index % Members.Count)];
    }

    /// <summary>The shift <paramref name="at"/> falls in; -1 before the first.</summary>
    public long ShiftIndex(Instant at)
    {
        var first = ShiftStart(0);
        if (at < first)
        {
            return -1;
        }
        // A guess from elapsed time (shifts are 23 to 25 hours a day), then corrected by the real shift starts.
        var index = Math.Max(0, (long)Math.Floor((at - first).TotalDays / EveryDays));
        while (index > 0 && ShiftStart(index) > at)
        {
            index--;
        }
        while (ShiftStart(index + 1) <= at)
        {
            index++;
        }
        return index;
    }

    /// <summary>
    /// The first moment after <paramref name="at"/> someone other than <paramref name="who"/> is on call. Only shift
    /// starts and override edges can change that; once every override is behind and a whole round of members has
    /// passed without a change, it never changes (one member, or everybody the same person).
    /// </summary>
    private Instant? ChangeAfter(Instant at, string? who)
    {
        var edges = Overrides.SelectMany(o => new[] { o.From, o.To }).Where(e => e > at).Order().ToList();
        var nextShift = ShiftIndex(at) + 1;
        var budget = edges.Count + Members.Count + 2;
        var cursor = at;
        for (var step = 0; step < budget; step++)
        {
            var shiftEdge = ShiftStart(nextShift);
            var edge = edges.FirstOrDefault(e => e > cursor, Instant.MaxValue);
            var boundary = shiftEdge <= edge ? shiftEdge : edge;
            if (shiftEdge <= edge)
            {
                nextShift++;
            }
            if (!string.Equals(WhoAt(boundary), who, StringComparison.OrdinalIgnoreCase))
            {
                return boundary;
            }
            cursor = boundary;
        }
        return null;
    }
}

/// <summary>Someone else on call from <see cref="From"/> until <see cref="To"/> (both instants; written in the rota's time zone).</summary>
public sealed record RotaOverride(Instant From, Instant To, string Who, int Line);

/// <summary>Who is on call (null: nobody yet) and when that changes (null: not as far as the rota says).</summary>
public sealed record RotaTurn(string? Who, Instant? Until);
