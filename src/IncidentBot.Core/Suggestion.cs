namespace IncidentBot;

/// <summary>"Did you mean …?": the closest known word to a mistyped one, for commands and setting names alike.</summary>
public static class Suggestion
{
    /// <summary>The candidate fewest edits away (ignoring case), if any is within <paramref name="maxEdits"/>.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates, int maxEdits = 2) =>
        candidates
            .Select(c => (Candidate: c, Edits: EditDistance(word.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Edits <= maxEdits)
            .OrderBy(c => c.Edits)
            .Select(c => c.Candidate)
            .FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
