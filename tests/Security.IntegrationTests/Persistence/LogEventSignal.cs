using Microsoft.Extensions.Logging;

namespace Security.IntegrationTests.Persistence;

/// <summary>
/// A logger provider that completes <see cref="Reached"/> once a category has logged one event id a number of times,
/// or another id at all (a failure), so a test awaits background work that reports itself only in its log.
/// Register it after <c>AddFakeLogging</c>: providers are called in registration order, so the fake collector holds
/// the record by the time this signals.
/// </summary>
internal sealed class LogEventSignal(string category, int eventId, int count, int failureEventId) : ILoggerProvider
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;

    public Task Reached => _reached.Task;

    public ILogger CreateLogger(string categoryName) => categoryName == category ? new Logger(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private void Saw(EventId id)
    {
        if (id.Id == failureEventId || (id.Id == eventId && Interlocked.Increment(ref _seen) >= count))
        {
            _reached.TrySetResult();
        }
    }

    private sealed class Logger(LogEventSignal signal) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            signal.Saw(eventId);
    }
}
