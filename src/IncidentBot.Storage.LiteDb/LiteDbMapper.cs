using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Runbooks.Sessions;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>How our types map to LiteDB documents.</summary>
internal static class LiteDbMapper
{
    public static BsonMapper Create()
    {
        var mapper = new BsonMapper { EnumAsInteger = false, SerializeNullValues = false, TrimWhitespace = false, EmptyStringToNull = false };

        // LiteDB keeps DateTime to the millisecond and hands it back in local time; UTC ticks keep the exact instant.
        mapper.RegisterType<DateTimeOffset>(
            serialize: value => new BsonValue(value.UtcTicks),
            deserialize: bson => new DateTimeOffset(bson.AsInt64, TimeSpan.Zero));

        // Label names come from outside (any characters); a list of pairs stores them whatever they are.
        mapper.RegisterType<Dictionary<string, string>>(
            serialize: map => new BsonArray(map.Select(p => new BsonArray(new BsonValue(p.Key), new BsonValue(p.Value)))),
            deserialize: bson => bson.IsArray
                ? bson.AsArray.ToDictionary(p => p.AsArray[0].AsString, p => p.AsArray[1].AsString, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal));

        // Positional records have no parameterless constructor for LiteDB to call.
        mapper.RegisterType<AlertLink>(
            serialize: link => new BsonDocument { ["title"] = link.Title, ["url"] = link.Url },
            deserialize: bson => new AlertLink(bson["title"].AsString, bson["url"].AsString));
        mapper.RegisterType<ChannelBinding>(
            serialize: c => new BsonDocument { ["platform"] = c.Platform, ["id"] = c.Id, ["name"] = c.Name },
            deserialize: bson => new ChannelBinding(bson["platform"].AsString, bson["id"].AsString, bson["name"].AsString));

        mapper.Entity<Incident>().Id(i => i.Number, autoId: false).Ignore(i => i.Reference);
        mapper.Entity<RunbookSession>().Ignore(s => s.IsFinished).Ignore(s => s.Current);
        mapper.Entity<RunbookStepRecord>().Ignore(s => s.DurationSeconds);
        mapper.Entity<Drills.DrillSchedule>().Id(d => d.Id, autoId: false);
        mapper.Entity<Drills.DrillRun>().Id(r => r.Id, autoId: true);
        mapper.Entity<Rca.RcaDocument>().Id(r => r.IncidentNumber, autoId: false).Ignore(r => r.Current);
        mapper.Entity<RoomMessage>().Id(m => m.Id, autoId: true);
        mapper.Entity<RunbookVersionRecord>().Id(v => v.Version, autoId: false);
        mapper.Entity<IncidentAlert>().Id(a => a.Id, autoId: false);
        mapper.Entity<TimelineEntry>().Id(t => t.Id, autoId: true);
        mapper.Entity<InboxEntry>().Id(e => e.Id, autoId: true);
        mapper.Entity<OutboxItem>().Id(o => o.Id, autoId: true).Ignore(o => o.ConversationKey).Ignore(o => o.TakenOverFrom);
        return mapper;
    }
}
