namespace IncidentBot.Tests.Infrastructure;

/// <summary>Reads or changes a fake's state under its lock, because the fakes serve requests concurrently.</summary>
public static class LockExtensions
{
    public static T Locked<T>(this Lock gate, Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }

    public static void Locked(this Lock gate, Action change)
    {
        lock (gate)
        {
            change();
        }
    }
}
