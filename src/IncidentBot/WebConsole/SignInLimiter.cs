using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// Counts wrong tokens sent to <c>/login</c> per client address (<c>WebConsole:SignInAttempts</c> per
/// <c>WebConsole:SignInWindow</c>), with .NET's fixed-window rate limiter. Only failures count, so signing in
/// normally never uses the allowance up; a client that has used it up is refused before its guess is even looked at.
/// </summary>
internal sealed class SignInLimiter(IOptions<WebConsoleOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.SignInAttempts,
            Window = options.Value.SignInWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>How long the client must wait before it may try again; null when it may try now.</summary>
    public TimeSpan? Blocked(IPAddress client)
    {
        // Zero permits asks whether any are left without taking one.
        using var lease = _failures.AttemptAcquire(client, permitCount: 0);
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    /// <summary>Counts a wrong token against the client's allowance.</summary>
    public void Failed(IPAddress client)
    {
        using var lease = _failures.AttemptAcquire(client);
    }

    public void Dispose() => _failures.Dispose();

    private TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : options.Value.SignInWindow;
}
