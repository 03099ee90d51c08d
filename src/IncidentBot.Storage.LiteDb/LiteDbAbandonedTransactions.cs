using System.Collections;
using System.Reflection;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// A LiteDB transaction whose rollback failed still lists dirty pages LiteDB can no longer discard. Closing the
/// database cannot dispose it (LiteDB swallows that error), and when the garbage collector later finalizes it, its
/// finalizer retries the discard and throws on the finalizer thread, which ends the process. So before a failed
/// database is closed, its transactions' finalizers are switched off. LiteDB offers no public way to reach its
/// transactions, hence reflection on 5.0's internals; <c>RealDiskFullTests</c> runs the finalizers to pin it.
/// </summary>
internal static class LiteDbAbandonedTransactions
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    /// <summary>False when LiteDB's internals are not where this expects them (a LiteDB upgrade).</summary>
    public static bool SuppressFinalizers(LiteDatabase db)
    {
        var engine = typeof(LiteDatabase).GetField("_engine", Internal)?.GetValue(db);
        var monitor = engine?.GetType().GetField("_monitor", Internal)?.GetValue(engine);
        if (monitor?.GetType().GetProperty("Transactions", Internal)?.GetValue(monitor) is not IEnumerable transactions)
        {
            return false;
        }
        foreach (var transaction in transactions.Cast<object>().ToList())
        {
            GC.SuppressFinalize(transaction);
        }
        return true;
    }
}
