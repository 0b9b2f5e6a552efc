using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The <c>job</c> provider: runs the metric's command (a smoke test, a load test) in the analysed revision's artifact
/// directory, or in a scratch directory deleted afterwards when there is none; <c>result</c> is its exit code, and
/// its output (stdout and stderr as they interleaved, the last <see cref="OutputLimit"/> bytes) is kept with the
/// measurement. It runs with the server's environment, the metric's <c>env</c>, and what it is testing:
/// <c>SLIPWAY_APP</c>, <c>SLIPWAY_ENVIRONMENT</c>, <c>SLIPWAY_REVISION</c>, <c>SLIPWAY_STABLE_REVISION</c> (unset on a
/// first deploy) and <c>SLIPWAY_CANARY_URL</c> (unset when no instance of the revision is ready). Past its timeout, or
/// when the measurement is cancelled, the job's whole process group is killed.
/// </summary>
internal sealed partial class JobProvider(TimeProvider time, ILogger<JobProvider> logger) : IMetricProvider
{
    /// <summary>How much of a job's output is kept: its end, which is what explains an exit code.</summary>
    public const int OutputLimit = 64 * 1024;

    /// <summary>How long a job's output may stay open after the job is gone (held by a process that left its group).</summary>
    private static readonly TimeSpan OutputWait = TimeSpan.FromSeconds(2);

    /// <summary>How long a killed job may take to die.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    public async Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Metric.Provider is not JobMetricProvider spec)
        {
            return ProviderResult.Failed($"the job provider cannot measure a {request.Metric.Provider.GetType().Name}");
        }

        if (spec.Timeout <= TimeSpan.Zero)
        {
            return ProviderResult.Failed($"the job's timeout must be positive, not {DurationParser.Format(spec.Timeout)}");
        }

        string? scratch = null;
        try
        {
            var directory = request.Target.ArtifactDirectory ?? (scratch = Directory.CreateTempSubdirectory("slipway-job-").FullName);
            if (!Directory.Exists(directory))
            {
                return ProviderResult.Failed($"the job cannot run in {directory}: the directory does not exist");
            }

            var environment = Environment(spec, request.Target);
            var path = environment.GetValueOrDefault("PATH") ?? System.Environment.GetEnvironmentVariable("PATH");
            if (CommandPath.Resolve(spec.Command, directory, path, out var notFound) is not { } executable)
            {
                return ProviderResult.Failed(notFound!);
            }

            JobProcess job;
            try
            {
                job = JobProcess.Start(executable, spec.Args, directory, environment, OutputLimit, time);
            }
            catch (Win32Exception e)
            {
                return ProviderResult.Failed($"the job {spec.Command} could not start: {e.Message}");
            }

            using (job)
            {
                Log.Started(logger, spec.Command, job.Pid, directory);
                return await RunAsync(job, spec, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (scratch is not null)
            {
                DeleteScratch(scratch);
            }
        }
    }

    private async Task<ProviderResult> RunAsync(JobProcess job, JobMetricProvider spec, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(spec.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var exitCode = await job.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            if (job.KillLeftovers())
            {
                Log.LeftoversKilled(logger, spec.Command, job.Pid);
            }

            var (output, complete) = await job.ReadOutputAsync(OutputWait, time).ConfigureAwait(false);
            if (!complete)
            {
                Log.OutputHeldOpen(logger, spec.Command, job.Pid);
            }

            return new ProviderResult(AnalysisValue.Of(exitCode), Output: output);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Not cancellable: a job left running because its measurement was cancelled would run on unwatched.
            await job.KillAsync(KillWait, time).ConfigureAwait(false);
            var (output, _) = await job.ReadOutputAsync(OutputWait, time).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var limit = DurationParser.Format(spec.Timeout);
            Log.TimedOut(logger, spec.Command, job.Pid, limit);
            return ProviderResult.Failed($"timed out after {limit}: {spec.Command} and every process it started were killed", output);
        }
    }

    /// <summary>What is set over the server's environment; null removes a variable the server has.</summary>
    private static Dictionary<string, string?> Environment(JobMetricProvider spec, AnalysisTarget target)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var variable in spec.Env)
        {
            environment[variable.Name] = variable.Value;
        }

        // Last: what is analysed is a fact, not something the template can change.
        environment["SLIPWAY_APP"] = target.App;
        environment["SLIPWAY_ENVIRONMENT"] = target.Environment;
        environment["SLIPWAY_REVISION"] = target.Revision.ToString(CultureInfo.InvariantCulture);
        environment["SLIPWAY_STABLE_REVISION"] = target.StableRevision?.ToString(CultureInfo.InvariantCulture);
        environment["SLIPWAY_CANARY_URL"] = target.RevisionUrl;
        return environment;
    }

    private void DeleteScratch(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.ScratchNotDeleted(logger, directory, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Command} started (pid {Pid}) in {Directory}")]
        public static partial void Started(ILogger logger, string command, int pid, string directory);

        [LoggerMessage(Level = LogLevel.Information, Message = "Job {Command} (pid {Pid}) timed out after {Timeout}; its process group was killed")]
        public static partial void TimedOut(ILogger logger, string command, int pid, string timeout);

        [LoggerMessage(Level = LogLevel.Information, Message = "Job {Command} (pid {Pid}) exited and left processes running in its group; they were killed")]
        public static partial void LeftoversKilled(ILogger logger, string command, int pid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Command} (pid {Pid}) exited, but a process outside its group still holds its output open; the output kept ends here")]
        public static partial void OutputHeldOpen(ILogger logger, string command, int pid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the job's scratch directory {Directory}: {Reason}")]
        public static partial void ScratchNotDeleted(ILogger logger, string directory, string reason);
    }
}
