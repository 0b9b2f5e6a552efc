using System.Globalization;
using Slipway.Core.Spec;

namespace Slipway.Core.Slo;

/// <summary>How SLO numbers are written for people: in messages, <c>slipway slo</c> and status.</summary>
public static class SloText
{
    /// <summary>An objective as a percentage: <c>99.9 %</c>, <c>99 %</c>, <c>99.95 %</c>.</summary>
    public static string Objective(double objective) =>
        (objective * 100).ToString("0.#####", CultureInfo.InvariantCulture) + " %";

    /// <summary>A measured burn rate, one decimal: <c>16.2×</c>, <c>21.0×</c>, <c>0.0×</c>.</summary>
    public static string BurnRate(double burnRate) => burnRate.ToString("0.0", CultureInfo.InvariantCulture) + "×";

    /// <summary>An alert's factor as written: <c>14.4×</c>, <c>6×</c>.</summary>
    public static string Factor(double factor) => factor.ToString("0.###", CultureInfo.InvariantCulture) + "×";

    /// <summary>A share of the budget: <c>62 %</c>; one decimal under 10 % (<c>0.4 %</c>), so that a nearly spent budget
    /// does not read as 0.</summary>
    public static string Share(double fraction)
    {
        var percent = fraction * 100;
        var format = Math.Abs(percent) < 10 && Math.Round(percent) != percent ? "0.#" : "0";
        return percent.ToString(format, CultureInfo.InvariantCulture) + " %";
    }

    /// <summary>A window as specs write it: <c>30d</c> for whole days, else Go's form (<c>1h</c>, <c>5m</c>, <c>1h30m</c>).</summary>
    public static string Window(TimeSpan window) =>
        window >= TimeSpan.FromDays(1) && window.Ticks % TimeSpan.TicksPerDay == 0
            ? window.Days.ToString(CultureInfo.InvariantCulture) + "d"
            : DurationParser.Format(window);

    /// <summary>How much data a window covered, to the minute (to the second under one): <c>12m</c>, <c>1h5m</c>, <c>40s</c>.</summary>
    public static string Held(TimeSpan held) =>
        held < TimeSpan.FromMinutes(1)
            ? DurationParser.Format(TimeSpan.FromSeconds(Math.Max(0, Math.Floor(held.TotalSeconds))))
            : Window(TimeSpan.FromMinutes(Math.Floor(held.TotalMinutes)));

    /// <summary>A window as an adjective: <c>30-day</c>, <c>1-hour</c>, <c>90-minute</c>; other lengths as written (<c>1h30m</c>).</summary>
    public static string WindowAdjective(TimeSpan window) =>
        window.Ticks % TimeSpan.TicksPerDay == 0 ? $"{window.TotalDays.ToString(CultureInfo.InvariantCulture)}-day"
        : window.Ticks % TimeSpan.TicksPerHour == 0 ? $"{window.TotalHours.ToString(CultureInfo.InvariantCulture)}-hour"
        : window.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{window.TotalMinutes.ToString(CultureInfo.InvariantCulture)}-minute"
        : Window(window);

    /// <summary>A burn rate over a window, noting when the data covers less of it: <c>16.2× over 1h (over 12m of data)</c>.</summary>
    public static string Over(double burnRate, TimeSpan window, TimeSpan covered) =>
        $"{BurnRate(burnRate)} over {Window(window)}{(covered < window ? $" (over {Held(covered)} of data)" : "")}";

    /// <summary>What is left of an SLO's budget: <c>62 % of the 30-day budget left</c>, or that it is overspent.</summary>
    public static string BudgetLeft(SloReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var window = WindowAdjective(report.Slo.Window);
        return report.BudgetRemaining >= 0
            ? $"{Share(report.BudgetRemaining)} of the {window} budget left"
            : $"the {window} budget is spent ({Share(1 - report.BudgetRemaining)} of it used)";
    }

    /// <summary>
    /// Why an SLO burns too fast, from its first firing alert: <c>SLO availability at 16.2× over 1h and 21.0× over 5m
    /// (limit 14.4×)</c>; null when no alert fires.
    /// </summary>
    public static string? Burning(SloReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.BurnRates.FirstOrDefault(b => b.Firing) is { } alert
            ? $"SLO {report.Slo.Name} at {Over(alert.LongBurnRate, alert.Alert.Long, alert.LongCovered)} and {Over(alert.ShortBurnRate, alert.Alert.Short, alert.ShortCovered)} (limit {Factor(alert.Alert.Factor)})"
            : null;
    }
}
