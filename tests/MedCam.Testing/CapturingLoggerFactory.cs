using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MedCam.Testing;

/// <summary>Keeps every formatted log line so tests can check what was (not) logged.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public string All => string.Join('\n', Lines);

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>Feeds a host's logs into a <see cref="CapturingLoggerFactory"/>.</summary>
public sealed class CapturingLoggerProvider(CapturingLoggerFactory sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => sink.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
