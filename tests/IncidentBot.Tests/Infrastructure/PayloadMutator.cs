using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>One broken or odd variant of a real payload: what was done to it, the bytes, and the content type to send.</summary>
public sealed record Mutation(string Kind, byte[] Body, string? ContentType)
{
    /// <summary>What a failing assertion prints, so the payload can be replayed by hand.</summary>
    public string Describe(int seed)
    {
        var text = Encoding.UTF8.GetString(Body);
        var shown = text.Length > 1_500 ? $"{text[..1_500]}… ({Body.Length} bytes)" : text;
        return $"seed {seed}, mutation {Kind}, content type {ContentType ?? "(none)"}:\n{shown}";
    }
}

/// <summary>
/// Mutates published payloads the way broken senders and attackers do: flipped bytes, cuts, invalid UTF-8 (overlong
/// forms, encoded surrogates, NUL), escaped lone surrogates, values
/// of the wrong type, missing or repeated fields, huge strings, deep nesting, wrong content types. Each mutation
/// comes from its own seed, so a failure names the one seed that reproduces it.
/// </summary>
public static class PayloadMutator
{
    private const string Marker = "__incidentbot_mutation_marker__";

    internal static readonly string[] ContentTypes = ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=latin1"];

    private static readonly string[] Documents = ["", "null", "[]", "{}", "\"text\"", "0", "true", "{\"alerts\":null}", "[{}]"];

    /// <summary>A mutation of a JSON body.</summary>
    public static Mutation MutateJson(byte[] original, Random random, string contentType = "application/json")
    {
        var kind = random.Next(14);
        return kind switch
        {
            12 => new("escaped-lone-surrogate", InsertText(original, random, MalformedBodies.EscapedSurrogates[random.Next(MalformedBodies.EscapedSurrogates.Length)]), contentType),
            13 => new("escaped-nul", InsertText(original, random, @"\u0000"), contentType),
            0 => new("flip-bytes", FlipBytes(original, random), contentType),
            1 => new("truncate", original[..random.Next(original.Length)], contentType),
            2 => new("invalid-utf8", InsertInvalidUtf8(original, random), contentType),
            3 => new("wrong-content-type", original, random.Next(5) == 0 ? null : ContentTypes[random.Next(ContentTypes.Length)]),
            4 => new("other-document", Encoding.UTF8.GetBytes(Documents[random.Next(Documents.Length)]), contentType),
            5 => Twice(original, random, contentType),
            _ => Structural(original, random, contentType),
        };
    }

    private static Mutation Twice(byte[] original, Random random, string contentType)
    {
        var first = Structural(original, random, contentType);
        var second = Structural(first.Body, random, contentType);
        return second with { Kind = $"{first.Kind}+{second.Kind}" };
    }

    /// <summary>Changes one value, field or level of the parsed document, keeping the rest as it was.</summary>
    private static Mutation Structural(byte[] original, Random random, string contentType)
    {
        JsonNode? root;
        var nodes = new List<JsonNode>();
        try
        {
            root = JsonNode.Parse(original);
            if (root is null)
            {
                return new("null-document", original, contentType);
            }
            Collect(root, nodes);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // Not JSON, or a name given twice (which JsonObject only notices when it is enumerated).
            return new("unparsed", original, contentType);
        }
        var target = nodes[random.Next(nodes.Count)];
        var path = target.GetPath();
        string? raw = null;
        string kind;
        switch (random.Next(5))
        {
            case 0 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                kind = $"delete {path}";
                break;
            case 1 when target.Parent is JsonObject parent:
                // JsonObject cannot hold a name twice, so the copy goes in under a marker renamed in the text.
                var name = target.GetPropertyName();
                parent[Marker] = random.Next(2) == 0 ? target.DeepClone() : OtherValue(random);
                raw = JsonSerializer.Serialize(name);
                kind = $"duplicate {path}";
                return new(kind, Encoding.UTF8.GetBytes(root.ToJsonString().Replace($"\"{Marker}\"", raw)), contentType);
            case 2:
                raw = JsonSerializer.Serialize(new string((char)random.Next('a', 'z'), random.Next(2) == 0 ? 300_000 : 1_200_000));
                kind = $"huge string at {path}";
                break;
            case 3:
                var depth = random.Next(65, 5_000);
                raw = new string('[', depth) + new string(']', depth);
                kind = $"nesting {depth} deep at {path}";
                break;
            default:
                kind = $"type swap at {path}";
                if (target.Parent is null)
                {
                    return new(kind, Encoding.UTF8.GetBytes(OtherValue(random)?.ToJsonString() ?? "null"), contentType);
                }
                target.ReplaceWith(OtherValue(random));
                break;
        }
        if (raw is not null)
        {
            if (target.Parent is null)
            {
                return new(kind, Encoding.UTF8.GetBytes(raw), contentType);
            }
            target.ReplaceWith(JsonValue.Create(Marker));
        }
        var text = root.ToJsonString();
        return new(kind, Encoding.UTF8.GetBytes(raw is null ? text : text.Replace($"\"{Marker}\"", raw)), contentType);
    }

    private static JsonNode? OtherValue(Random random) => random.Next(11) switch
    {
        0 => null,
        1 => JsonValue.Create(0),
        2 => JsonValue.Create(-1.5e308),
        3 => JsonValue.Create(""),
        4 => JsonValue.Create("not what was expected \u0000 \ud83d\ude80"),
        5 => JsonValue.Create(true),
        6 => new JsonObject(),
        7 => new JsonArray(),
        8 => new JsonArray(1, "two", null, new JsonObject()),
        9 => JsonNode.Parse("123456789012345678901234567890"),
        _ => JsonValue.Create("2026-13-45T99:99:99Z"),
    };

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null)
            {
                Collect(child, into);
            }
        }
    }

    internal static byte[] FlipBytes(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        for (var i = random.Next(1, 5); i > 0 && bytes.Length > 0; i--)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }
        return bytes;
    }

    internal static byte[] InsertInvalidUtf8(byte[] original, Random random)
    {
        // Overlong forms, encoded surrogates, code points past U+10FFFF and raw NUL among them.
        var invalid = MalformedBodies.InvalidBytes;
        return InsertBytes(original, random, invalid[random.Next(invalid.Length)]);
    }

    /// <summary>Escapes (text) spliced into a string, where a decoder has to turn them into characters.</summary>
    private static byte[] InsertText(byte[] original, Random random, string text) => InsertBytes(original, random, Encoding.UTF8.GetBytes(text));

    private static byte[] InsertBytes(byte[] original, Random random, byte[] inserted)
    {
        // Inside a string is where a parser meets text it has to decode, so aim just after a quote when there is one.
        var quotes = Enumerable.Range(0, original.Length).Where(i => original[i] == (byte)'"').ToList();
        var at = quotes.Count > 0 ? quotes[random.Next(quotes.Count)] + 1 : random.Next(original.Length + 1);
        return [.. original[..at], .. inserted, .. original[at..]];
    }
}
