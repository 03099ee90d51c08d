namespace IncidentBot.Chat;

/// <summary>Text helpers for the limits chat platforms put on titles, topics and notifications.</summary>
public static class ChatText
{
    /// <summary>
    /// The text as is when it fits in <paramref name="max"/> characters, else cut to fit with "…" at the end. The
    /// cut never splits a surrogate pair: half of one is not text, and no JSON writer would send it.
    /// </summary>
    public static string Shorten(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var keep = max - 1;
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return text[..keep] + "…";
    }
}
