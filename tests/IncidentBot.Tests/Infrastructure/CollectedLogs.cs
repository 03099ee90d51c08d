using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Keeps every error the bot logs, so a test can show that background work failed on nothing it was sent.</summary>
public sealed class CollectedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LoggedError> _errors = new();

    public IReadOnlyList<LoggedError> Errors => [.. _errors];

    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, _errors);

    public void Dispose()
    {
    }

    /// <summary>One error-level entry: where it was logged, what it said and the exception it carried.</summary>
    public sealed record LoggedError(string Category, string Message, Exception? Exception);

    private sealed class Collector(string category, ConcurrentQueue<LoggedError> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                errors.Enqueue(new LoggedError(category, formatter(state, exception), exception));
            }
        }
    }
}
