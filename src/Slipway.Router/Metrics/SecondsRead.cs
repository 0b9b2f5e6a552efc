namespace Slipway.Router.Metrics;

/// <summary>
/// What <c>/seconds</c> answers: each revision's requests second by second, as Unix seconds. Every second from
/// <see cref="From"/> to <see cref="Through"/> that a revision does not list, it served no request in (the router ran
/// and counted); before <see cref="From"/> the router knows nothing (it had not started, or the second has left its
/// 5-minute window).
/// </summary>
internal sealed record SecondsRead(long From, long Through, IReadOnlyList<(RevisionMetrics Revision, IReadOnlyList<SecondCounts> Seconds)> Revisions);
