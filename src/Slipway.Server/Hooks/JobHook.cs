using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Slipway.Core.Hooks;
using Slipway.Core.Spec;
using Slipway.Local;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Secrets;

namespace Slipway.Server.Hooks;

/// <summary>
/// One attempt of a <c>job</c> hook: its command, run the way an analysis job is (<see cref="JobProcess"/>: a process
/// group of its own, stdout and stderr in one stream, the last <see cref="OutputLimit"/> bytes kept) in the revision's
/// artifact directory — the server's read-only copy, as for analysis jobs: a hook that needs to write uses
/// <c>$TMPDIR</c>. It runs with what an instance of the revision runs with — the few variables instances inherit from
/// the server, the revision's env with its secrets resolved — then the hook's own env, then Slipway's (which a spec
/// cannot set): <c>SLIPWAY_APP</c>, <c>SLIPWAY_ENV</c>, <c>SLIPWAY_REVISION</c>, <c>SLIPWAY_STABLE_REVISION</c>,
/// <c>SLIPWAY_STABLE_URL</c> (a ready instance of the stable revision, when there is one), <c>SLIPWAY_HOOK</c>,
/// <c>SLIPWAY_HOOK_TYPE</c>, and for an event hook <c>SLIPWAY_EVENT</c> (the event's JSON, also on its standard input).
/// Past its timeout, or when the server stops, its whole process group is killed. Exit code 0 succeeds. Its output is
/// redacted (<see cref="ISecretLookup.Redact"/>) before anything keeps or shows it.
/// </summary>
internal sealed partial class JobHook(ISecretLookup secrets, TimeProvider time, ILogger logger)
{
    /// <summary>How much of a job's output is kept: its end, which is what explains an exit code.</summary>
    public const int OutputLimit = 64 * 1024;

    /// <summary>The variables instances inherit from the server (see <see cref="SupervisorOptions.InheritedEnvironment"/>); only these.</summary>
    private static readonly IReadOnlyList<string> Inherited = new SupervisorOptions().InheritedEnvironment;

    private static readonly TimeSpan OutputWait = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <param name="started">Called with the job's pid and start time once it runs, before it is waited for.</param>
    public async Task<HookOutcome> RunAsync(JobHookRequest request, Func<int, ulong, Task> started, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = request.Job;
        if (!Directory.Exists(request.Directory))
        {
            return HookOutcome.Failed($"the job cannot run in {request.Directory}: the revision's artifact directory does not exist");
        }

        var (environment, missing) = await EnvironmentAsync(request, ct).ConfigureAwait(false);
        if (missing is not null)
        {
            return HookOutcome.Failed(missing);
        }

        if (CommandPath.Resolve(job.Command, request.Directory, environment.GetValueOrDefault("PATH"), out var notFound) is not { } executable)
        {
            return HookOutcome.Failed(notFound!);
        }

        JobProcess process;
        try
        {
            process = JobProcess.Start(executable, job.Args, request.Directory, environment, OutputLimit, time, inheritEnvironment: false, standardInput: request.Event);
        }
        catch (Win32Exception e)
        {
            return HookOutcome.Failed($"the job {job.Command} could not start: {e.Message}");
        }

        using (process)
        {
            Log.Started(logger, request.App, request.Environment, request.Hook, process.Pid);
            using var deadline = new CancellationTokenSource(request.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            try
            {
                await started(process.Pid, process.StartTime).ConfigureAwait(false);
                var exitCode = await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                process.KillLeftovers();
                var (output, _) = await process.ReadOutputAsync(OutputWait, time).ConfigureAwait(false);
                return new HookOutcome(exitCode == 0, exitCode, null, secrets.Redact(output), $"exit code {exitCode.ToString(CultureInfo.InvariantCulture)}");
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                // Never left running unwatched: a timed-out job, or one of a stopping server, dies with everything it started.
                await process.KillAsync(KillWait, time).ConfigureAwait(false);
                var (output, _) = await process.ReadOutputAsync(OutputWait, time).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                var limit = DurationParser.Format(request.Timeout);
                Log.TimedOut(logger, request.App, request.Environment, request.Hook, limit);
                return new HookOutcome(false, null, null, secrets.Redact(output), $"timed out after {limit}: {job.Command} and every process it started were killed");
            }
            catch
            {
                await process.KillAsync(KillWait, time).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// What the job runs with (see the class), or why it cannot run: a secret key its env names does not exist. Only
    /// names are ever put in that message.
    /// </summary>
    private async Task<(Dictionary<string, string?> Environment, string? Missing)> EnvironmentAsync(JobHookRequest request, CancellationToken ct)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Inherited)
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        var variables = request.Template.Env.Concat(request.Job.Env).ToList();
        var refs = variables.Select(v => v.SecretKeyRef).OfType<SecretKeyRef>().Distinct().ToList();
        var resolved = refs.Count == 0
            ? new Dictionary<SecretKeyRef, SecretValue>()
            : await secrets.ResolveAsync(request.Environment, refs, ct).ConfigureAwait(false);
        foreach (var variable in variables)
        {
            if (variable.SecretKeyRef is not { } secret)
            {
                environment[variable.Name] = variable.Value;
            }
            else if (resolved.TryGetValue(secret, out var value))
            {
                environment[variable.Name] = value.Value;
            }
            else
            {
                var version = secret.Version is { } v ? $" at version {v.ToString(CultureInfo.InvariantCulture)}" : "";
                return (environment, $"{variable.Name} comes from key {secret.Key} of secret {secret.Name}{version}, which environment {request.Environment} does not have");
            }
        }

        // Last: these are Slipway's to say.
        environment["SLIPWAY_APP"] = request.App;
        environment["SLIPWAY_ENV"] = request.Environment;
        environment["SLIPWAY_REVISION"] = request.Revision.ToString(CultureInfo.InvariantCulture);
        environment["SLIPWAY_STABLE_REVISION"] = request.StableRevision?.ToString(CultureInfo.InvariantCulture);
        environment["SLIPWAY_STABLE_URL"] = request.StableUrl;
        environment["SLIPWAY_HOOK"] = request.Hook;
        environment["SLIPWAY_HOOK_TYPE"] = HookNames.Of(request.Type);
        environment["SLIPWAY_EVENT"] = request.Event;
        foreach (var name in environment.Where(e => e.Value is null).Select(e => e.Key).ToList())
        {
            environment.Remove(name);
        }

        return (environment, null);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "{App}/{Env}: hook {Hook} started (pid {Pid})")]
        public static partial void Started(ILogger logger, string app, string env, string hook, int pid);

        [LoggerMessage(Level = LogLevel.Information, Message = "{App}/{Env}: hook {Hook} timed out after {Timeout}; its process group was killed")]
        public static partial void TimedOut(ILogger logger, string app, string env, string hook, string timeout);
    }
}

/// <summary>What a job hook's attempt needs: where and as what it runs.</summary>
/// <param name="Directory">The revision's artifact directory.</param>
/// <param name="Template">The revision's template: its env is the job's.</param>
/// <param name="StableUrl">A ready instance of the stable revision (<c>http://127.0.0.1:port</c>); null when none is.</param>
/// <param name="Event">The event's JSON for an event hook (<c>SLIPWAY_EVENT</c> and standard input); null otherwise.</param>
internal sealed record JobHookRequest(
    string App,
    string Environment,
    string Hook,
    HookType Type,
    int Revision,
    int? StableRevision,
    JobHookAction Job,
    TimeSpan Timeout,
    string Directory,
    InstanceTemplate Template,
    string? StableUrl,
    string? Event);
