using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Cli;

/// <summary>
/// The command line's logging: Microsoft.Extensions.Logging to standard error, one line per message
/// (<c>warning: ...</c>), written synchronously so that it interleaves in order with the progress lines. Warnings and
/// errors by default, everything down to debug with <c>--verbose</c>, errors only with <c>--quiet</c>. Commands take
/// their logger from <see cref="Logger"/>, which is set for the duration of one <see cref="LocusCli.RunAsync"/>.
/// </summary>
public static class CliLogging
{
    private static readonly AsyncLocal<ILoggerFactory?> Current = new();

    /// <summary>The logger of the running command (a null logger outside one).</summary>
    public static ILogger Logger => Current.Value?.CreateLogger("locus") ?? NullLogger.Instance;

    /// <summary>A typed logger of the running command, for APIs that ask for <see cref="ILogger{T}"/>.</summary>
    public static ILogger<T> LoggerFor<T>() => Current.Value is { } factory ? factory.CreateLogger<T>() : NullLogger<T>.Instance;

    /// <summary>Creates the factory for one invocation and makes it current.</summary>
    internal static ILoggerFactory Start(TextWriter error, LogLevel minimum)
    {
        var factory = CreateFactory(error, minimum);
        Current.Value = factory;
        return factory;
    }

    /// <summary>
    /// A factory writing the CLI's one-line format to <paramref name="error"/> from <paramref name="minimum"/> up, for a
    /// command that needs its own levels (<c>serve</c> logs at information and filters ASP.NET Core's own messages).
    /// </summary>
    internal static ILoggerFactory CreateFactory(TextWriter error, LogLevel minimum, Action<ILoggingBuilder>? configure = null) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(minimum).AddProvider(new TextWriterLoggerProvider(error));
            configure?.Invoke(builder);
        });

    /// <summary>The level the global options ask for.</summary>
    internal static LogLevel LevelFor(bool verbose, bool quiet) => verbose ? LogLevel.Debug : quiet ? LogLevel.Error : LogLevel.Warning;

    private sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TextWriterLogger(writer);

        public void Dispose()
        {
        }
    }

    private sealed class TextWriterLogger(TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var level = logLevel switch
            {
                LogLevel.Trace => "trace",
                LogLevel.Debug => "debug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warning",
                LogLevel.Error => "error",
                _ => "critical",
            };
            var message = formatter(state, exception);
            if (exception is not null) message += $" ({exception.GetType().Name}: {exception.Message})";
            lock (writer) writer.WriteLine($"{level}: {message.ReplaceLineEndings(" ")}");
        }
    }
}
