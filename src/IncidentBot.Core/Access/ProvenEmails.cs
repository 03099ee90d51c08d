using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace IncidentBot.Access;

/// <summary>
/// The e-mails a chat platform vouched for, by that platform's user id, so a user's commands do not each ask the
/// platform again: an answer (also "it gave none") is kept for <see cref="Lifetime"/>, a refusal for
/// <see cref="RefusalLifetime"/>, at most <see cref="MaxUsers"/> users at once. Failures that may mend by themselves
/// are not kept. Slack's <c>users.info</c> and Teams' member look-up both keep their answers here, and a user's
/// commands arriving together (a burst of button presses) share one look-up (<see cref="GetAsync"/>).
/// </summary>
public sealed class ProvenEmails : IDisposable
{
    /// <summary>How long a user's e-mail (or that the platform gave none) is kept before the platform is asked again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>How long a refusal is kept (a missing scope, a user the platform will not describe): one call per 5 minutes.</summary>
    public static readonly TimeSpan RefusalLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The most users kept at once; beyond it, a command asks the platform again.</summary>
    public const int MaxUsers = 10_000;

    private readonly MemoryCache _emails = new(new MemoryCacheOptions { SizeLimit = MaxUsers });
    private readonly ConcurrentDictionary<string, Task<string?>> _lookingUp = new(StringComparer.Ordinal);

    /// <summary>
    /// The kept answer for <paramref name="userId"/>; otherwise <paramref name="lookUp"/>'s, which keeps it (or not) with
    /// <see cref="Remember"/> or <see cref="RememberRefusal"/>. Commands of the same user that ask while a look-up runs
    /// wait for that one rather than asking the platform again.
    /// </summary>
    public async Task<string?> GetAsync(string userId, Func<Task<string?>> lookUp)
    {
        if (TryGet(userId, out var known))
        {
            return known;
        }
        var mine = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _lookingUp.GetOrAdd(userId, mine.Task);
        if (running != mine.Task)
        {
            return await running;
        }
        try
        {
            var email = await lookUp();
            mine.SetResult(email);
            return email;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            _ = mine.Task.Exception; // those waiting see it; nobody waiting is fine too
            throw;
        }
        finally
        {
            _lookingUp.TryRemove(new KeyValuePair<string, Task<string?>>(userId, mine.Task));
        }
    }

    /// <summary>True when the platform's answer for <paramref name="userId"/> is known; <paramref name="email"/> may be null (none given, or refused).</summary>
    public bool TryGet(string userId, out string? email)
    {
        if (_emails.TryGetValue(userId, out Known? known))
        {
            email = known!.Email;
            return true;
        }
        email = null;
        return false;
    }

    /// <summary>Keeps the platform's answer, an address or null for none, for <see cref="Lifetime"/>.</summary>
    public void Remember(string userId, string? email) => Keep(userId, email, Lifetime);

    /// <summary>Keeps a refusal (no e-mail) for <see cref="RefusalLifetime"/>.</summary>
    public void RememberRefusal(string userId) => Keep(userId, null, RefusalLifetime);

    private void Keep(string userId, string? email, TimeSpan lifetime) =>
        _emails.Set(userId, new Known(email), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });

    public void Dispose() => _emails.Dispose();

    /// <summary>A kept answer, also when it is "no e-mail" (null).</summary>
    private sealed record Known(string? Email);
}
