namespace IncidentBot.Incidents;

/// <summary>One timeline entry naming the alerts of one change: all of them when few, the first three when many.</summary>
internal sealed class AlertTimelineLine(TimelineEntry entry, string verb)
{
    private const int Named = 3;
    private readonly List<string> _names = [];
    private int _count;

    public TimelineEntry Entry => entry;

    public void Add(string title, string fingerprint)
    {
        _count++;
        if (_names.Count < Named)
        {
            _names.Add($"{title} ({fingerprint})");
        }
        entry.Text = _count == 1
            ? $"Alert {verb}: {_names[0]}"
            : $"{_count} alerts {verb}: {string.Join(", ", _names)}{(_count > Named ? $" and {_count - Named} more" : "")}";
    }
}
