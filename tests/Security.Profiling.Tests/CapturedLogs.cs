using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Security.Profiling.Tests;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every log entry, at every level, in memory.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>The entries of the profiling category.</summary>
    public IReadOnlyList<LogEntry> Profiling => [.. _entries.Where(e => e.Category == "Security.Profiling")];

    /// <summary>The profiles written (event id 6001).</summary>
    public IReadOnlyList<LogEntry> Profiles => [.. Profiling.Where(e => e.EventId.Id == 6001)];

    /// <summary>Every message and exception text captured, for "this never appears" checks.</summary>
    public string AllText => string.Join("\n", _entries.Select(e => e.Message + "\n" + e.Exception));

    public void Clear() => _entries.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
