using System.Text;

namespace IncidentBot.Storage;

/// <summary>
/// Text every store can keep exactly: PostgreSQL refuses U+0000 in <c>text</c> and <c>jsonb</c>, and UTF-8 has no
/// encoding for half of a surrogate pair (JSON from outside can carry either, as <c>\u0000</c> or <c>\ud800</c>).
/// </summary>
public static class StorableText
{
    /// <summary>True when <paramref name="text"/> has no U+0000 and no unpaired surrogate.</summary>
    public static bool IsStorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c) || (char.IsHighSurrogate(c) && (++i >= text.Length || !char.IsLowSurrogate(text[i]))))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The text with each U+0000 and each unpaired surrogate replaced by U+FFFD, the replacement character.</summary>
    public static string Clean(string text)
    {
        if (IsStorable(text))
        {
            return text;
        }
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else
            {
                clean.Append(c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return clean.ToString();
    }
}
