using Microsoft.Extensions.Logging;

namespace Slipway.Local.Tests.Support;

/// <summary>Sends the supervisor's logs to the test output, which is where a failing test is diagnosed.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public static ILoggerFactory CreateFactory(ITestOutputHelper output) =>
        LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output)));

    public ILogger CreateLogger(string categoryName) => new Logger(output);

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; a background loop logged late.
            }
        }
    }
}
