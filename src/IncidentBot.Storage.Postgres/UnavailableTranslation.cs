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
    private static readonly ConcurrentDictionary<Type, Func<object, object>> ResultGuards = new();

    private TStore _store = null!;

    /// <summary>The store behind a stand-in that translates its unavailable failures.</summary>
    public static TStore Around(TStore store)
    {
        var proxy = Create<TStore, UnavailableTranslation<TStore>>();
        ((UnavailableTranslation<TStore>)(object)proxy)._store = store;
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
                throw unavailable;
            }
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        return result switch
        {
            ValueTask task => GuardAsync(task),
            Task task => GuardAsync(task),
            not null when result.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>) =>
                ResultGuards.GetOrAdd(type.GetGenericArguments()[0], GuardFor)(result),
            _ => result,
        };
    }

    private static async ValueTask GuardAsync(ValueTask task)
    {
        try
        {
            await task;
        }
        catch (Exception failure) when (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            throw unavailable;
        }
    }

    private static async Task GuardAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception failure) when (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            throw unavailable;
        }
    }

    private static async ValueTask<TResult> GuardAsync<TResult>(ValueTask<TResult> task)
    {
        try
        {
            return await task;
        }
        catch (Exception failure) when (PostgresFailures.AsUnavailable(failure) is { } unavailable && unavailable != failure)
        {
            throw unavailable;
        }
    }

    private static object GuardBoxed<TResult>(object task) => GuardAsync((ValueTask<TResult>)task);

    private static Func<object, object> GuardFor(Type resultType) =>
        typeof(UnavailableTranslation<TStore>).GetMethod(nameof(GuardBoxed), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType).CreateDelegate<Func<object, object>>();
}
