using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace IncidentBot.Inbound;

/// <summary>
/// Parses JSON that came from outside the bot (webhooks, Slack, Teams) so that every decoding problem surfaces here,
/// as one <see cref="JsonException"/> with a clear message, instead of later where a field is read. System.Text.Json
/// parses an escaped lone surrogate (<c>"\ud800"</c>) and even invalid UTF-8 inside a string, and only throws
/// <see cref="InvalidOperationException"/> when the string is read: that was a server error in whichever handler
/// read it first.
/// </summary>
public static class StrictJson
{
    /// <summary>Deeper than any real payload; a name given twice would let two readers of one body see different values.</summary>
    public static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>The document, or <see cref="JsonException"/> saying what is wrong and where.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        Check(utf8.Span);
        return JsonDocument.Parse(utf8, Options);
    }

    /// <summary>The document from text (a JSON string inside JSON, a form field), with the same checks.</summary>
    public static JsonDocument Parse(string text) => Parse(Encode(text));

    /// <summary>The root as a mutable node, or <see cref="JsonException"/>; null for the document <c>null</c>.</summary>
    public static JsonNode? ParseNode(ReadOnlyMemory<byte> utf8)
    {
        Check(utf8.Span);
        return JsonNode.Parse(utf8.Span, documentOptions: Options);
    }

    /// <inheritdoc cref="ParseNode(ReadOnlyMemory{byte})"/>
    public static JsonNode? ParseNode(string text) => ParseNode(Encode(text));

    /// <summary>
    /// Walks every token once: the bytes must be UTF-8 and every string and property name must decode to valid
    /// UTF-16 text. Syntax errors, depth and duplicate names are left to the parser that follows.
    /// </summary>
    private static void Check(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new JsonException($"The body is not valid UTF-8 text (first bad byte at offset {FirstInvalidByte(utf8)}); JSON must be UTF-8.");
        }
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        string? problem = null;
        try
        {
            while (problem is null && reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    problem = Undecodable(ref reader);
                }
            }
        }
        catch (JsonException)
        {
            // Syntax errors get the parser's own message (line and position) from the parse that follows.
        }
        if (problem is not null)
        {
            throw new JsonException(problem);
        }
    }

    private static string? Undecodable(ref Utf8JsonReader reader)
    {
        try
        {
            reader.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            var what = reader.TokenType == JsonTokenType.PropertyName ? "A property name" : "A string";
            return $"{what} at byte {reader.TokenStartIndex} is not valid Unicode: it escapes half of a surrogate pair (such as \\ud800) on its own.";
        }
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var valid = 0;
        while (valid < utf8.Length && Rune.DecodeFromUtf8(utf8[valid..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            valid += consumed;
        }
        return valid;
    }

    /// <summary>Text that is not valid UTF-16 (a lone surrogate from a percent-decoded form) cannot be JSON.</summary>
    private static byte[] Encode(string text)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            throw new JsonException("The text is not valid Unicode: it holds half of a surrogate pair on its own.");
        }
    }
}
