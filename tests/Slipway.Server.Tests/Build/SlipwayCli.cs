using System.Diagnostics;
using System.Text;

namespace Slipway.Server.Tests.Build;

/// <summary>
/// The real <c>slipway</c> CLI (src/Slipway.Cli's build, as this test assembly's configuration built it), run as a
/// process against a server, as a user runs it: <c>$SLIPWAY_SERVER</c>, <c>$SLIPWAY_DATA</c> for the token, and
/// <c>$SLIPWAY_ACTOR</c>.
/// </summary>
internal sealed class SlipwayCli(string server, string dataDirectory, string workingDirectory)
{
    public const string Actor = "tester@build-tests";

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    private static readonly string Dll = Find();

    /// <summary>Runs <c>slipway ARGS</c> to its end.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var running = Start(args);
        var exitCode = await running.WaitAsync(Deadline);
        return (exitCode, running.Stdout, running.Stderr);
    }

    /// <summary>
    /// Starts <c>slipway ARGS</c>, with SIGINT's default action restored (<c>env --default-signal</c>): a test host
    /// started in the background of a non-interactive shell ignores SIGINT, and its children would inherit that.
    /// </summary>
    public Running Start(params string[] args)
    {
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            ArgumentList = { "--default-signal=INT", "dotnet", Dll },
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SLIPWAY_SERVER"] = server;
        info.Environment["SLIPWAY_DATA"] = dataDirectory;
        info.Environment["SLIPWAY_ACTOR"] = Actor;
        info.Environment.Remove("SLIPWAY_TOKEN");
        info.Environment["NO_COLOR"] = "1";
        return new Running(Process.Start(info) ?? throw new InvalidOperationException("env did not start"));
    }

    private static string Find()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Slipway.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "Slipway.Cli", "bin", configuration, "net10.0", "slipway.dll");
                return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is not built (the test project references src/Slipway.Cli so that it is)");
            }
        }

        throw new InvalidOperationException("Slipway.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A CLI process that runs; its output is collected line by line as it comes.</summary>
    internal sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly Lock _lock = new();

        public Running(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Stdout
        {
            get
            {
                lock (_lock)
                {
                    return _stdout.ToString();
                }
            }
        }

        public string Stderr
        {
            get
            {
                lock (_lock)
                {
                    return _stderr.ToString();
                }
            }
        }

        /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
        public void Interrupt()
        {
            using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async Task<int> WaitAsync(TimeSpan deadline)
        {
            using var timeout = new CancellationTokenSource(deadline);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"slipway did not finish within {deadline.TotalSeconds} s; stdout so far:\n{Stdout}\nstderr:\n{Stderr}");
            }

            _process.WaitForExit(); // the output read to its end
            return _process.ExitCode;
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // It had exited.
            }

            _process.Dispose();
        }

        private void Append(StringBuilder to, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                to.Append(line).Append('\n');
            }
        }
    }
}
