using Microsoft.Extensions.Logging;

namespace Locus.Cli.Commands.Serving;

/// <summary>Plain, line-based log output to a text writer (the command's error stream): <c>[level] category: message</c>.</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(writer, categoryName, minimum);

    public void Dispose() { }

    sealed class Logger(TextWriter writer, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"[{logLevel.ToString().ToLowerInvariant()}] {category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}";
            lock (writer) writer.WriteLine(line);
        }
    }
}
