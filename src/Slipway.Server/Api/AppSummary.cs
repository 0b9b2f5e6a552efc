namespace Slipway.Server.Api;

/// <summary>
/// One app×env as <c>GET /api/v1/apps</c> lists it (docs/api.md) and <c>slipway get apps</c> prints it: the headline of
/// its <see cref="StatusView"/>, how many revisions it has had and when it was first applied. Fields are only added,
/// never renamed or removed, within v1alpha1.
/// </summary>
/// <param name="Ready">Ready instances of the stable revision.</param>
/// <param name="Revisions">How many revisions the app×env keeps (what <c>history</c> lists; see <c>revisionHistoryLimit</c>).</param>
/// <param name="CreatedAt">When the app was first applied to this environment (AGE).</param>
public sealed record AppSummary(
    string App,
    string Environment,
    string Phase,
    int? StableRevision,
    int? CanaryRevision,
    int Ready,
    int Replicas,
    string Url,
    string Strategy,
    int CurrentStepIndex,
    int TotalSteps,
    WeightsView Weights,
    int Revisions,
    DateTimeOffset CreatedAt)
{
    public static AppSummary Of(StatusView view, int revisions, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(
            view.App,
            view.Environment,
            view.Phase,
            view.StableRevision,
            view.CanaryRevision,
            view.Revisions.FirstOrDefault(r => r.Number == view.StableRevision)?.Ready ?? 0,
            view.Replicas,
            view.Url,
            view.Strategy,
            view.CurrentStepIndex,
            view.TotalSteps,
            view.Weights,
            revisions,
            createdAt);
    }
}
