namespace IncidentBot.Chat;

/// <summary>Text helpers for the limits chat platforms put on titles, topics and notifications.</summary>
public static class ChatText
{
    /// <summary>The text as is when it fits in <paramref name="max"/> characters, else cut to fit with "…" at the end.</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
