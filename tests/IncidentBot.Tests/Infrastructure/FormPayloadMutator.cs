using System.Text;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// Mutates <c>application/x-www-form-urlencoded</c> bodies (Slack commands and interactions) the way broken
/// senders do, and the JSON a form field may carry through <see cref="PayloadMutator"/>.
/// </summary>
public static class FormPayloadMutator
{
    /// <summary>A mutation of an <c>application/x-www-form-urlencoded</c> body (Slack commands and interactions).</summary>
    public static Mutation Mutate(byte[] original, Random random, string? jsonField = null)
    {
        const string form = "application/x-www-form-urlencoded";
        var fields = Encoding.UTF8.GetString(original).Split('&').ToList();
        switch (random.Next(9))
        {
            case 0: return new("flip-bytes", PayloadMutator.FlipBytes(original, random), form);
            case 1: return new("truncate", original[..random.Next(original.Length)], form);
            case 2: return new("invalid-utf8", PayloadMutator.InsertInvalidUtf8(original, random), form);
            case 3: return new("wrong-content-type", original, random.Next(5) == 0 ? null : PayloadMutator.ContentTypes[random.Next(PayloadMutator.ContentTypes.Length)]);
            case 4:
                fields.RemoveAt(random.Next(fields.Count));
                return new("delete-field", Encoding.UTF8.GetBytes(string.Join('&', fields)), form);
            case 5:
                fields.Insert(random.Next(fields.Count + 1), fields[random.Next(fields.Count)]);
                return new("duplicate-field", Encoding.UTF8.GetBytes(string.Join('&', fields)), form);
            case 6:
                var bad = new[] { "%", "%Z1", "%C3%28", "%FF%FE", "%00", "&&&=", "=%" }[random.Next(7)];
                var at = random.Next(fields.Count);
                fields[at] += bad;
                return new("bad-percent-encoding", Encoding.UTF8.GetBytes(string.Join('&', fields)), form);
            case 7:
                var index = random.Next(fields.Count);
                var name = fields[index].Split('=')[0];
                fields[index] = $"{name}={new string('x', random.Next(2) == 0 ? 200_000 : 1_100_000)}";
                return new("huge-value", Encoding.UTF8.GetBytes(string.Join('&', fields)), form);
            default:
                var i = jsonField is null ? -1 : fields.FindIndex(f => f.StartsWith(jsonField + "="));
                if (i < 0)
                {
                    return new("no-json-field", original, form);
                }
                var inner = Encoding.UTF8.GetBytes(Uri.UnescapeDataString(fields[i][(jsonField!.Length + 1)..].Replace('+', ' ')));
                var mutated = PayloadMutator.MutateJson(inner, random);
                fields[i] = $"{jsonField}={Uri.EscapeDataString(Encoding.UTF8.GetString(mutated.Body))}";
                return new($"{jsonField}:{mutated.Kind}", Encoding.UTF8.GetBytes(string.Join('&', fields)), form);
        }
    }
}
