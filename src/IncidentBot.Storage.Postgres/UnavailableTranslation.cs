using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Stands in front of a PostgreSQL store under one of Core's store interfaces: every call goes to the store
/// unchanged, and a failure <see cref="PostgresFailures"/> classifies as "unavailable" comes out as
/// <see cref="StorageUnavailableException"/> (other failures pass through as they are). So the stores need not
/// catch connection failures each on their own, and Core reacts to one exception type whatever the provider.
/// Every store method returns a <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>; the wait for it is
/// wrapped, so failures after the first await are translated too.
/// </summary>
public class UnavailableTranslation<TStore> : DispatchProxy where TStore : class
{
    private static readonly ConcurrentDictionary<Type, Func<object, NpgsqlDataSource?, object>> ResultGuards = new();

    private TStore _store = null!;
    private NpgsqlDataSource? _pool;

    /// <summary>
    /// The store behind a stand-in that translates its unavailable failures. When one happens, the idle connections
    /// of <paramref name="pool"/> are dropped: after a server restart or failover they are all dead, and each would
    /// otherwise fail one more call before the bot works again.
    /// </summary>
    public static TStore Around(TStore store, NpgsqlDataSource? pool = null)
    {
        var proxy = Create<TStore, UnavailableTranslation<TStore>>();
        var translation = (UnavailableTranslation<TStore>)(object)proxy;
        translation._store = store;
        translation._pool = pool;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        object? result;
        try
        {
            result = targetMethod!.Invoke(_store, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } failure)
        {
            // A store method that throws before returning its task: the same translation, or its own exception as it was.
            if (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
            {
                _pool?.Clear();
                throw unavailable;
            }
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        return result switch
        {
            ValueTask task => GuardAsync(task, _pool),
            Task task => GuardAsync(task, _pool),
            not null when result.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>) =>
                ResultGuards.GetOrAdd(type.GetGenericArguments()[0], GuardFor)(result, _pool),
            _ => result,
        };
    }

    private static async ValueTask GuardAsync(ValueTask task, NpgsqlDataSource? pool)
    {
        try
        {
            await task;
        }
        catch (Exception failure) when (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            pool?.Clear();
            throw unavailable;
        }
    }

    private static async Task GuardAsync(Task task, NpgsqlDataSource? pool)
    {
        try
        {
            await task;
        }
        catch (Exception failure) when (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            pool?.Clear();
            throw unavailable;
        }
    }

    private static async ValueTask<TResult> GuardAsync<TResult>(ValueTask<TResult> task, NpgsqlDataSource? pool)
    {
        try
        {
            return await task;
        }
        catch (Exception failure) when (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            pool?.Clear();
            throw unavailable;
        }
    }

    private static object GuardBoxed<TResult>(object task, NpgsqlDataSource? pool) => GuardAsync((ValueTask<TResult>)task, pool);

    private static Func<object, NpgsqlDataSource?, object> GuardFor(Type resultType) =>
        typeof(UnavailableTranslation<TStore>).GetMethod(nameof(GuardBoxed), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType).CreateDelegate<Func<object, NpgsqlDataSource?, object>>();
}
