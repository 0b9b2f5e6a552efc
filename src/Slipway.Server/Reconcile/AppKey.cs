namespace Slipway.Server.Reconcile;

/// <summary>
/// One app×env: the unit of reconciliation, of locking and of the work queue. Ordered (app, then environment), so a
/// request that locks several keys always takes them in the same order.
/// </summary>
internal readonly record struct AppKey(string App, string Environment) : IComparable<AppKey>
{
    public int CompareTo(AppKey other)
    {
        var byApp = string.CompareOrdinal(App, other.App);
        return byApp != 0 ? byApp : string.CompareOrdinal(Environment, other.Environment);
    }

    public override string ToString() => $"{App}/{Environment}";
}
