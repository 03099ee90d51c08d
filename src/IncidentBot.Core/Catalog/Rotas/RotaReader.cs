using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Text;
using YamlDotNet.RepresentationModel;

namespace IncidentBot.Catalog.Rotas;

/// <summary>Reads a Rota's <c>spec</c>, reporting each bad field at its line; a rota with any bad field is not returned.</summary>
internal static partial class RotaReader
{
    public const int MaxMembers = 200;
    public const int MaxOverrides = 500;

    private static readonly LocalTimePattern HandoffPattern = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;
    private static readonly LocalDateTimePattern[] LocalPatterns =
    [
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss"),
    ];

    public static Rota? Read(string name, YamlMappingNode? spec, string file, int line, Action<int, string> problem)
    {
        if (spec is null)
        {
            problem(line, $"rota `{name}` has no `spec` (timeZone, handoff, every, start, members)");
            return null;
        }
        var ok = true;
        void Bad(YamlNode? node, string message)
        {
            ok = false;
            problem(node is null ? line : (int)node.Start.Line, message);
        }
        string? Text(string key) => spec.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlScalarNode s ? s.Value?.Trim() : null;
        YamlNode? Node(string key) => spec.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null;

        var zoneId = Text("timeZone");
        var zone = zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (zone is null)
        {
            Bad(Node("timeZone"), zoneId is null
                ? "rota needs `spec.timeZone`, an IANA time zone such as `Europe/Berlin`"
                : $"`spec.timeZone: {zoneId}` is not an IANA time zone; write e.g. `Europe/Berlin`, `America/New_York` or `UTC`");
        }
        var handoff = HandoffPattern.Parse(Text("handoff") ?? "");
        if (!handoff.Success)
        {
            Bad(Node("handoff"), $"`spec.handoff` must be a local time `HH:mm` (24-hour), e.g. `\"09:00\"`{(Text("handoff") is { } h ? $", not `{h}`" : "")}");
        }
        var every = Every(Text("every"));
        if (every is null)
        {
            Bad(Node("every"), $"`spec.every` must be `1d` (daily) or `1w` (weekly), or a number of days or weeks up to a year such as `2w`{(Text("every") is { } e ? $", not `{e}`" : "")}");
        }
        var start = DatePattern.Parse(Text("start") ?? "");
        if (!start.Success)
        {
            Bad(Node("start"), $"`spec.start` must be the date of the first shift, e.g. `2026-01-05`{(Text("start") is { } s ? $", not `{s}`" : "")}");
        }
        var members = Members(Node("members"), Bad);
        if (!ok || zone is null || every is null)
        {
            return null;
        }
        var overrides = Overrides(Node("overrides"), zone, Bad);
        return ok ? new Rota
        {
            Name = name,
            File = file,
            Line = line,
            Zone = zone,
            Handoff = handoff.Value,
            EveryDays = every.Value,
            Start = start.Value,
            Members = members,
            Overrides = overrides,
        } : null;
    }

    /// <summary>Overrides that overlap each other: the later one wins, but it is most likely a mistake.</summary>
    public static IEnumerable<(RotaOverride Later, RotaOverride Earlier)> Overlaps(Rota rota) =>
        rota.Overrides.SelectMany((later, i) => rota.Overrides.Take(i).Where(earlier => earlier.From < later.To && later.From < earlier.To).Select(earlier => (later, earlier)));

    private static int? Every(string? text)
    {
        var match = text is null ? null : EveryPattern().Match(text);
        if (match is not { Success: true } || !int.TryParse(match.Groups[1].Value, out var count))
        {
            return null;
        }
        var days = match.Groups[2].Value == "w" ? count * 7 : count;
        return days is >= 1 and <= 366 ? days : null;
    }

    private static List<string> Members(YamlNode? node, Action<YamlNode?, string> bad)
    {
        var members = new List<string>();
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            bad(node, "rota needs `spec.members`: the e-mails of the people who take turns, in order");
            return members;
        }
        if (list.Children.Count > MaxMembers)
        {
            bad(node, $"a rota has at most {MaxMembers} members");
            return members;
        }
        foreach (var item in list.Children)
        {
            var email = (item as YamlScalarNode)?.Value?.Trim();
            if (email is null || !CatalogRouting.IsEmail(email))
            {
                bad(item, $"rota member `{email ?? "(not a value)"}` is not an e-mail address; members are written as e-mails, e.g. `jdoe@example.com`");
            }
            else
            {
                members.Add(email);
            }
        }
        return members;
    }

    private static List<RotaOverride> Overrides(YamlNode? node, DateTimeZone zone, Action<YamlNode?, string> bad)
    {
        var overrides = new List<RotaOverride>();
        if (node is null)
        {
            return overrides;
        }
        if (node is not YamlSequenceNode list || list.Children.Count > MaxOverrides)
        {
            bad(node, $"`spec.overrides` must be a list (at most {MaxOverrides}) of `from`, `to` and `who`");
            return overrides;
        }
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode map)
            {
                bad(item, "each override needs `from`, `to` and `who`");
                continue;
            }
            YamlNode? Field(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null;
            var from = When(Field("from"), zone);
            var to = When(Field("to"), zone);
            var who = (Field("who") as YamlScalarNode)?.Value?.Trim();
            var ok = true;
            if (from is null)
            {
                bad(Field("from") ?? item, "override `from` must be a date and time such as `2026-03-28T09:00` (in the rota's time zone) or `2026-03-28T09:00+01:00`");
                ok = false;
            }
            if (to is null)
            {
                bad(Field("to") ?? item, "override `to` must be a date and time such as `2026-03-30T09:00` (in the rota's time zone) or `2026-03-30T09:00+02:00`");
                ok = false;
            }
            if (who is null || !CatalogRouting.IsEmail(who))
            {
                bad(Field("who") ?? item, $"override `who` must be an e-mail address{(who is null ? "" : $", not `{who}`")}");
                ok = false;
            }
            if (ok && from >= to)
            {
                bad(Field("to"), "override `to` must be after its `from`");
                ok = false;
            }
            if (ok)
            {
                overrides.Add(new RotaOverride(from!.Value, to!.Value, who!, (int)item.Start.Line));
            }
        }
        return overrides;
    }

    /// <summary>A local date and time in the rota's zone, or one with an offset (<c>+02:00</c>, <c>Z</c>), or a date (midnight).</summary>
    private static Instant? When(YamlNode? node, DateTimeZone zone)
    {
        var text = (node as YamlScalarNode)?.Value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } offset)
        {
            return offset.Value.ToInstant();
        }
        if (OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>").Parse(text) is { Success: true } shortOffset)
        {
            return shortOffset.Value.ToInstant();
        }
        foreach (var pattern in LocalPatterns)
        {
            if (pattern.Parse(text) is { Success: true } local)
            {
                return Rota.ToInstant(zone, local.Value);
            }
        }
        return DatePattern.Parse(text) is { Success: true } date ? Rota.ToInstant(zone, date.Value.AtMidnight()) : null;
    }

    [GeneratedRegex("^([0-9]{1,3})([dw])$", RegexOptions.CultureInvariant)]
    private static partial Regex EveryPattern();
}
