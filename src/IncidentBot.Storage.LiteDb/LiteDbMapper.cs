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
        Warm(mapper, [typeof(Incident), typeof(IncidentAlert), typeof(TimelineEntry), typeof(InboxEntry), typeof(OutboxItem), typeof(RoomMessage),
            typeof(RunbookVersionRecord), typeof(Drills.DrillSchedule), typeof(Drills.DrillRun), typeof(Rca.RcaDocument)]);
        return mapper;
    }

    /// <summary>
    /// Builds the mapping of every type stored, nested ones included, here and on one thread. LiteDB 5 builds a type's
    /// mapping on first use and publishes it before its member list is filled (LiteDB issue 2536, fixed only in 6.0
    /// pre-releases): two threads touching a type for the first time at once can write a document with fields missing,
    /// or read one back with them left at their defaults (an on-call ask whose time read back as 0001-01-01).
    /// </summary>
    private static void Warm(BsonMapper mapper, IEnumerable<Type> roots)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }
            // Walks the member list, so the mapping is complete before any other thread can reach it.
            mapper.ToDocument(type, Activator.CreateInstance(type));
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                foreach (var nested in StoredTypesIn(property.PropertyType))
                {
                    pending.Push(nested);
                }
            }
        }
    }

    /// <summary>Our own classes a property of this type holds: itself, or the elements and values of its collections.</summary>
    private static IEnumerable<Type> StoredTypesIn(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (inner.IsArray)
        {
            return StoredTypesIn(inner.GetElementType()!);
        }
        if (inner.IsGenericType)
        {
            return inner.GetGenericArguments().SelectMany(StoredTypesIn);
        }
        return inner.IsClass && inner.Namespace?.StartsWith("IncidentBot", StringComparison.Ordinal) == true ? [inner] : [];
    }
}
