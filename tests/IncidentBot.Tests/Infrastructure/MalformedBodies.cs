using System.Text;
using System.Text.RegularExpressions;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// Every kind of body a JSON decoder can choke on, made from a real payload: escaped lone surrogates and invalid
/// UTF-8 in every string value (and in every name), NUL, deep nesting, numbers no type holds, names given twice,
/// wrong document types and cuts. Each kind is applied everywhere at once, so it reaches the fields a handler reads.
/// </summary>
public static partial class MalformedBodies
{
    /// <summary>Text spliced into JSON strings as it is: escapes that decode to half a surrogate pair.</summary>
    public static readonly string[] EscapedSurrogates = [@"\ud800", @"\udbff", @"\udc00", @"\udfff", @"\ud800\u0041", @"\udc00\ud800", @"\ud83d"];

    /// <summary>Bytes spliced into JSON strings: not UTF-8 at all, overlong forms, encoded surrogates, past U+10FFFF, raw NUL.</summary>
    public static readonly byte[][] InvalidBytes =
    [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x00],
    ];

    /// <summary>Every kind, made from <paramref name="json"/>; most can never be valid, a few may happen to be.</summary>
    public static IEnumerable<MalformedBody> From(string json)
    {
        foreach (var escape in EscapedSurrogates)
        {
            yield return new($"escaped {escape} in every string value", Utf8(InStrings(json, escape, names: false)), AlwaysInvalid: true);
            yield return new($"escaped {escape} in every name", Utf8(InStrings(json, escape, names: true)), AlwaysInvalid: true);
        }
        foreach (var bytes in InvalidBytes)
        {
            yield return new($"bytes {Convert.ToHexString(bytes)} in every string value", SpliceBytes(json, bytes), AlwaysInvalid: true);
        }
        var nesting = new string('[', 100_000) + new string(']', 100_000);
        yield return new("nesting 100000 deep", Utf8(nesting), AlwaysInvalid: true);
        yield return new("nesting 100000 deep for the first string", Utf8(StringValues().Replace(json, m => m.Groups[1].Value + nesting, 1)), AlwaysInvalid: true);
        yield return new("every name given twice", Utf8(Names().Replace(json, m => $"{m.Value}null,{m.Value}")), AlwaysInvalid: true);
        yield return new("an empty body", [], AlwaysInvalid: true);
        yield return new("a byte-order mark and nothing else", [0xEF, 0xBB, 0xBF], AlwaysInvalid: true);
        yield return new("cut in half", Utf8(json[..(json.Length / 2)]), AlwaysInvalid: true);
        yield return new("a trailing comma", Utf8(json.TrimEnd().TrimEnd('}') + ",}"), AlwaysInvalid: true);
        yield return new("a comment", Utf8("/* hi */" + json), AlwaysInvalid: true);
        yield return new("single quotes", Utf8(json.Replace('"', '\'')), AlwaysInvalid: true);
        // Valid JSON that a handler may or may not accept; it must never fail on it.
        yield return new("escaped NUL in every string value", Utf8(InStrings(json, @"\u0000", names: false)), AlwaysInvalid: false);
        yield return new("a number with 400 digits for every number", Utf8(Numbers().Replace(json, m => $"{m.Groups[1].Value}{new string('9', 400)}")), AlwaysInvalid: false);
        yield return new("1e999999 for every number", Utf8(Numbers().Replace(json, m => $"{m.Groups[1].Value}1e999999")), AlwaysInvalid: false);
        yield return new("-1e-999999 for every string value", Utf8(StringValues().Replace(json, m => $"{m.Groups[1].Value}-1e-999999")), AlwaysInvalid: false);
        yield return new("every string value an object", Utf8(StringValues().Replace(json, m => $"{m.Groups[1].Value}{{\"x\":[1]}}")), AlwaysInvalid: false);
        yield return new("every string value an array", Utf8(StringValues().Replace(json, m => $"{m.Groups[1].Value}[true]")), AlwaysInvalid: false);
        yield return new("a JSON string", Utf8("\"" + json.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""), AlwaysInvalid: false);
        yield return new("a number", Utf8("42"), AlwaysInvalid: false);
    }

    /// <summary>Whether the kind survives as text (no raw bytes): what fits in a JSON string or a percent-encoded form field.</summary>
    public static bool IsText(MalformedBody body) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body.Body)).AsSpan().SequenceEqual(body.Body);

    private static string InStrings(string json, string fragment, bool names) =>
        (names ? Names() : StringValues()).Replace(json, m => names ? $"\"{fragment}{m.Value[1..]}" : $"{m.Groups[1].Value}\"{fragment}{m.Groups[2].Value}\"");

    private static byte[] SpliceBytes(string json, byte[] bytes)
    {
        const string marker = "\u0001MARK\u0001";
        var text = Utf8(StringValues().Replace(json, m => $"{m.Groups[1].Value}\"{marker}{m.Groups[2].Value}\""));
        var markerBytes = Utf8(marker);
        var result = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text.AsSpan(i).StartsWith(markerBytes))
            {
                result.AddRange(bytes);
                i += markerBytes.Length - 1;
                continue;
            }
            result.Add(text[i]);
        }
        return [.. result];
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A string after a colon: group 1 is the colon and space, group 2 the content.</summary>
    [GeneratedRegex(@"(:\s*)""((?:[^""\\]|\\.)*)""")]
    private static partial Regex StringValues();

    /// <summary>A property name with its colon.</summary>
    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""\s*:")]
    private static partial Regex Names();

    [GeneratedRegex(@"(:\s*)-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")]
    private static partial Regex Numbers();

}

/// <summary>One malformed body: what was done, the bytes, and whether no handler could ever accept it.</summary>
public sealed record MalformedBody(string Kind, byte[] Body, bool AlwaysInvalid)
{
    public override string ToString() => Kind;
}
