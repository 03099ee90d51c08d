using IncidentBot.OnCall;

namespace IncidentBot.Catalog;

/// <summary>
/// The simplest <see cref="IOnCallDirectory"/>: asks each target's source in order (the one whose
/// <see cref="IOnCallSource.Name"/> is the target's source), each for at most 2 s, with no cache; then the fallback
/// commander, then the reporter. Registered only when no other directory is, so the Services page works on its own;
/// the caching directory of the on-call sources replaces it.
/// </summary>
public sealed class UncachedOnCallDirectory(IEnumerable<IOnCallSource> sources, TimeProvider time) : IOnCallDirectory
{
    public static readonly TimeSpan SourceTimeout = TimeSpan.FromSeconds(2);

    public async Task<OnCallLookup> LookupAsync(OnCallRequest request, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var target in request.Targets)
        {
            if (sources.FirstOrDefault(s => s.Name == target.Source) is not { } source)
            {
                failures.Add($"{target}: no {target.Source} source is configured");
                continue;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SourceTimeout);
            try
            {
                var answer = await source.WhoIsOnCallAsync(target, time.GetUtcNow(), timeout.Token).WaitAsync(timeout.Token);
                if (answer.Now.Count > 0)
                {
                    return new OnCallLookup(answer.Now, answer.Next, target.ToString(), false, failures);
                }
                failures.Add($"{target}: nobody is on call");
            }
            catch (OnCallSourceException ex)
            {
                failures.Add($"{target}: {ex.Problem}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{target}: no answer within {SourceTimeout.TotalSeconds:0} s");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A source with a bug is one failed step of the chain, never a failed lookup.
                failures.Add($"{target}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        if (request.FallbackCommander is { } fallback)
        {
            return new OnCallLookup([new OnCallPerson(fallback, fallback, 1, null, "fallback")], [], "fallback", false, failures);
        }
        if (request.Reporter is { } reporter)
        {
            return new OnCallLookup([new OnCallPerson(reporter, null, 1, null, "reporter")], [], "reporter", false, failures);
        }
        return new OnCallLookup([], [], "nobody", false, failures);
    }
}
