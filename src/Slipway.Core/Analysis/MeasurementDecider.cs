using System.Globalization;
using Slipway.Core.Analysis.Conditions;
using Slipway.Core.Analysis.Judge;

namespace Slipway.Core.Analysis;

/// <summary>
/// Decides the phase of one measurement from what its provider read: an error when it could not measure; for the
/// judge, its verdict; inconclusive with too few requests; otherwise the metric's conditions, with Argo Rollouts'
/// rules — a failure condition that holds fails it, a success condition that holds passes it, a lone success
/// condition that does not hold fails it, a lone failure condition that does not hold passes it, and with both and
/// neither holding it is inconclusive. A job metric without conditions passes on exit code 0. The message says which
/// rule decided, with the value, so status can name the metric, the value and the condition.
/// </summary>
public static class MeasurementDecider
{
    public static Measurement Decide(MetricSpec metric, ProviderResult read, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(read);
        var measurement = new Measurement(metric.Name, AnalysisPhase.Error, startedAt, finishedAt)
        {
            Value = read.Value,
            Canary = read.Canary,
            Stable = read.Stable,
            SampleSize = read.SampleSize,
            Verdict = read.Verdict,
            Output = read.Output,
        };

        if (read.Error is { } error || read.Value is null)
        {
            return measurement with { Message = read.Error ?? "the provider returned no value" };
        }

        if (read.Verdict is { } verdict)
        {
            return verdict.Outcome switch
            {
                JudgeOutcome.Pass => measurement with { Phase = AnalysisPhase.Successful, Message = verdict.Summary },
                JudgeOutcome.Fail => measurement with { Phase = AnalysisPhase.Failed, Message = verdict.Summary },
                _ => measurement with { Phase = AnalysisPhase.Inconclusive, LowTraffic = true, Message = verdict.Summary },
            };
        }

        if (read.SampleSize is { } sample && sample < metric.MinSampleSize)
        {
            var requests = sample == 1 ? "1 request" : $"{sample.ToString(CultureInfo.InvariantCulture)} requests";
            return measurement with
            {
                Phase = AnalysisPhase.Inconclusive,
                LowTraffic = true,
                Message = $"too little traffic to judge: {requests}, fewer than minSampleSize {metric.MinSampleSize}",
            };
        }

        var (phase, message) = ByConditions(metric, read);
        return measurement with { Phase = phase, Message = message };
    }

    private static (AnalysisPhase Phase, string Message) ByConditions(MetricSpec metric, ProviderResult read)
    {
        var baseline = metric.Provider is RouterMetricProvider { Baseline: true };
        var scope = new ConditionScope(read.Value!, baseline ? read.Canary : null, baseline ? read.Stable : null);
        var seen = Describe(read, baseline);

        var success = metric.SuccessCondition;
        var failure = metric.FailureCondition;
        if (success is null && failure is null)
        {
            // Only jobs may go without conditions (the parser refuses it elsewhere): their exit code decides.
            return read.Value is NumberValue { Value: 0 }
                ? (AnalysisPhase.Successful, $"{seen}: the job exited with 0")
                : (AnalysisPhase.Failed, $"{seen}: the job exited with {read.Value}, not 0");
        }

        if (failure is not null)
        {
            var (holds, error) = Evaluate(failure, baseline, scope);
            if (error is not null)
            {
                return (AnalysisPhase.Error, $"{seen}: failureCondition '{failure}' could not be evaluated: {error}");
            }

            if (holds)
            {
                return (AnalysisPhase.Failed, $"{seen}: failureCondition '{failure}' holds");
            }
        }

        if (success is null)
        {
            return (AnalysisPhase.Successful, $"{seen}: failureCondition '{failure}' does not hold");
        }

        var (passes, successError) = Evaluate(success, baseline, scope);
        if (successError is not null)
        {
            return (AnalysisPhase.Error, $"{seen}: successCondition '{success}' could not be evaluated: {successError}");
        }

        if (passes)
        {
            return (AnalysisPhase.Successful, $"{seen}: successCondition '{success}' holds");
        }

        return failure is null
            ? (AnalysisPhase.Failed, $"{seen}: successCondition '{success}' does not hold")
            : (AnalysisPhase.Inconclusive, $"{seen}: neither successCondition '{success}' nor failureCondition '{failure}' holds");
    }

    private static (bool Holds, string? Error) Evaluate(string text, bool baseline, ConditionScope scope)
    {
        // Conditions were checked when the spec was applied; parsing again here costs microseconds and keeps the
        // stored spec the only source.
        if (Condition.Parse(text, baseline, out var errors) is not { } condition)
        {
            return (false, string.Join("; ", errors.Select(e => $"at column {e.Offset + 1}: {e.Message}")));
        }

        var result = condition.Evaluate(scope);
        return (result.Value, result.Error);
    }

    private static string Describe(ProviderResult read, bool baseline) =>
        baseline ? $"canary {read.Canary}, stable {read.Stable}" : $"result {read.Value}";
}
