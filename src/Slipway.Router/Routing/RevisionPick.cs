namespace Slipway.Router.Routing;

/// <summary>The revision chosen for a request, and whether its header route chose it (which limits where it may be retried).</summary>
internal readonly record struct RevisionPick(Revision Revision, bool ByHeader);
