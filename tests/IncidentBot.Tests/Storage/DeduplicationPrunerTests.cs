using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace IncidentBot.Tests.Storage;

/// <summary>The pruner that keeps deduplication keys from piling up, whatever the store (see DeduplicationStoreContract).</summary>
public sealed class DeduplicationPrunerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ThePrunerRunsAtStartAndEveryTenMinutesAndOutlivesAFailedPass()
    {
        var time = new FakeTimeProvider(Now);
        var store = Substitute.For<IDeduplicationStore>();
        var passes = new List<DateTimeOffset>();
        store.PruneExpiredAsync(Arg.Do<DateTimeOffset>(at => { lock (passes) { passes.Add(at); } }), Arg.Any<CancellationToken>())
            .Returns(_ => passes.Count == 2 ? ValueTask.FromException<int>(new IOException("disk full")) : ValueTask.FromResult(1));
        using var pruner = new DeduplicationPruner(store, time, NullLogger<DeduplicationPruner>.Instance);

        await pruner.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Passes() == 1, "the pass at start");
        time.Advance(DeduplicationPruner.Interval - TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.Equal(1, Passes());
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Passes() == 2, "the pass after ten minutes (which fails)");
        time.Advance(DeduplicationPruner.Interval);
        await Eventually.TrueAsync(() => Passes() == 3, "the pass after twenty minutes");
        await pruner.StopAsync(CancellationToken.None);

        lock (passes)
        {
            Assert.Equal([Now, Now + DeduplicationPruner.Interval, Now + 2 * DeduplicationPruner.Interval], passes);
        }

        int Passes()
        {
            lock (passes)
            {
                return passes.Count;
            }
        }
    }
}
