using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli;

/// <summary>The text form of a <see cref="StatusView"/>, as <c>status APP</c> prints it (<c>-o wide</c>: with pids, condition messages and times).</summary>
internal static class StatusText
{
    public static string Describe(StatusView s, bool wide = false)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{s.App} ({s.Environment})  strategy {s.Strategy}  phase {s.Phase}{(s.Reason is null ? "" : $" ({s.Reason})")}");
        if (s.Message is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {s.Message}");
        }

        if (s.TotalSteps > 0 && s.CanaryRevision is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  step      {Math.Min(s.CurrentStepIndex + 1, s.TotalSteps)}/{s.TotalSteps}{(s.CurrentStepIndex >= s.TotalSteps ? " (promoting)" : "")}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  weights   stable {s.Weights.Stable}%  canary {s.Weights.Canary}%{(s.HeaderRoute is null ? "" : $"  header route {s.HeaderRoute.Name}")}{(s.MirrorPercent > 0 ? $"  mirror {s.MirrorPercent}%" : "")}");
        foreach (var r in s.Revisions)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  revision {r.Number,-4} {r.Role,-9} ready {r.Ready}/{r.Desired}");
            if (r.Health is { } health)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"      {HealthText.Line(health)}");
            }

            foreach (var i in r.Instances)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"      {i.Id,-36} {i.Endpoint,-16} {i.Phase,-16} restarts {i.Restarts}{(wide ? $"  pid {i.Pid}" : "")}{(i.LastExit is null ? "" : $"  last exit: {i.LastExit}")}");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  url       {s.Url}");
        if (s.HealthError is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  health    unknown: {s.HealthError}");
        }

        if (s.ErrorBudget is { } burning)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  slo       {burning} (slipway slo {s.App} -e {s.Environment})");
        }

        if (s.HealthCheck is { } check)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  analysis  health (built in): {check.Phase}, restarts {check.Restarts}, {check.Condition}");
        }

        foreach (var change in s.IrreversibleChanges ?? [])
        {
            var older = s.NotRolledBack?.Contains(change) == true ? "NOT rolled back: revision " + s.StableRevision + " serves" : "undo to an older revision needs --force";
            text.AppendLine(CultureInfo.InvariantCulture, $"  irreversible  {change.Describe()} since {Timestamp.Format(change.At)}; {older}");
        }

        foreach (var run in s.Analysis ?? [])
        {
            var what = run.Kind switch
            {
                "step" => $"step {run.Step + 1}",
                "prePromotion" => "pre-promotion",
                "postPromotion" => "post-promotion",
                _ => "background",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"  analysis  {what} (run {run.Id}): {run.Phase}{(run.Phase is "Running" or "Pending" || run.Message is null ? "" : $": {run.Message}")}");
            foreach (var metric in run.Metrics)
            {
                var last = metric.Measurements.LastOrDefault();
                var value = last?.Value is null ? "" : last.Stable is { } stable and not Core.Analysis.NullValue ? $"  last {last.Value} (stable {stable})" : $"  last {last.Value}";
                text.AppendLine(CultureInfo.InvariantCulture, $"      {metric.Name,-20} {metric.Phase,-12}{value}{(wide && last?.Message is { } m ? $"  {m}" : "")}");
            }
        }

        foreach (var hook in s.Hooks ?? [])
        {
            var what = hook.Event is { } e ? $"event #{e.Id.ToString(CultureInfo.InvariantCulture)} {e.Reason}" : hook.Type;
            var attempts = hook.MaxAttempts is { } max ? $"attempt {hook.Attempts}/{max}" : $"attempt {hook.Attempts}";
            var result = hook.Phase is "Pending" || hook.Message is null ? "" : $": {hook.Message}";
            text.AppendLine(CultureInfo.InvariantCulture, $"  hook      {hook.Hook} ({what}{(hook.Irreversible ? ", irreversible" : "")}, run {hook.Id}): {hook.Phase}, {attempts}{result}");
            if (hook.Phase is "Failed" or "Running" && hook.Output is { Length: > 0 } output)
            {
                foreach (var line in output.TrimEnd().Split('\n'))
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"      {line.TrimEnd('\r')}");
                }
            }
        }

        foreach (var c in s.Conditions)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  condition {c.Type}={c.Status}{(c.Reason is null ? "" : $" ({c.Reason})")}{(wide ? $"  since {Timestamp.Format(c.LastTransitionTime)}{(c.Message is null ? "" : $"  {c.Message}")}" : "")}");
        }

        if (wide)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  started   {(s.StartedAt is { } started ? Timestamp.Format(started) : "-")}  completed {(s.CompletedAt is { } completed ? Timestamp.Format(completed) : "-")}{(s.PauseStartedAt is { } paused ? $"  paused {Timestamp.Format(paused)}" : "")}");
        }

        return text.ToString();
    }
}
