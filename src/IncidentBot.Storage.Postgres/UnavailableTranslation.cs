using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

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
    private static readonly ConcurrentDictionary<Type, Func<object, PostgresWriteRefusals?, object>> ResultGuards = new();

    private TStore _store = null!;
    private PostgresWriteRefusals? _refusals;

    /// <summary>
    /// The store behind a stand-in that translates its unavailable failures, and tells <paramref name="refusals"/>
    /// (when given) of every write the server refused, for readiness.
    /// </summary>
    public static TStore Around(TStore store, PostgresWriteRefusals? refusals = null)
    {
        var proxy = Create<TStore, UnavailableTranslation<TStore>>();
        var translation = (UnavailableTranslation<TStore>)(object)proxy;
        translation._store = store;
        translation._refusals = refusals;
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
            _refusals?.Saw(failure);
            if (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
            {
                throw unavailable;
            }
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        return result switch
        {
            ValueTask task => GuardAsync(task, _refusals),
            Task task => GuardAsync(task, _refusals),
            not null when result.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>) =>
                ResultGuards.GetOrAdd(type.GetGenericArguments()[0], GuardFor)(result, _refusals),
            _ => result,
        };
    }

    private static async ValueTask GuardAsync(ValueTask task, PostgresWriteRefusals? refusals)
    {
        try
        {
            await task;
        }
        catch (Exception failure) when (Seen(failure, refusals) && PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            throw unavailable;
        }
    }

    private static async Task GuardAsync(Task task, PostgresWriteRefusals? refusals)
    {
        try
        {
            await task;
        }
        catch (Exception failure) when (Seen(failure, refusals) && PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            throw unavailable;
        }
    }

    private static async ValueTask<TResult> GuardAsync<TResult>(ValueTask<TResult> task, PostgresWriteRefusals? refusals)
    {
        try
        {
            return await task;
        }
        catch (Exception failure) when (Seen(failure, refusals) && PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            throw unavailable;
        }
    }

    /// <summary>Always true: tells the refusals of the failure on its way through an exception filter.</summary>
    private static bool Seen(Exception failure, PostgresWriteRefusals? refusals)
    {
        refusals?.Saw(failure);
        return true;
    }

    private static object GuardBoxed<TResult>(object task, PostgresWriteRefusals? refusals) => GuardAsync((ValueTask<TResult>)task, refusals);

    private static Func<object, PostgresWriteRefusals?, object> GuardFor(Type resultType) =>
        typeof(UnavailableTranslation<TStore>).GetMethod(nameof(GuardBoxed), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType).CreateDelegate<Func<object, PostgresWriteRefusals?, object>>();
}
