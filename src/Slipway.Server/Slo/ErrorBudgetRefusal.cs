namespace Slipway.Server.Slo;

/// <summary>
/// Why an apply was refused by the error budget: the whole message (what burns, what was not done, how to go through
/// anyway), and each app×env it blocked. The API answers it as 409 <c>{"error": Message, "errorBudget": Blocked}</c>.
/// </summary>
public sealed record ErrorBudgetRefusal(string Message, IReadOnlyList<ErrorBudgetBlock> Blocked);

/// <summary>One app×env whose rollout the error budget blocked, and why (<c>web/prod is burning its error budget: …</c>).</summary>
public sealed record ErrorBudgetBlock(string App, string Environment, string Burning);
