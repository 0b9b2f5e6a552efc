using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Apply;

/// <summary>An <see cref="ApplyService"/> over a real SQLite store in a temporary data directory, with one artifact file written.</summary>
internal sealed class ApplyHarness : IDisposable
{
    private ApplyHarness(TemporaryDirectory temp, SqliteStore store, ApplyService service)
    {
        Temp = temp;
        Store = store;
        Service = service;
    }

    public TemporaryDirectory Temp { get; }

    public SqliteStore Store { get; }

    public ApplyService Service { get; }

    public static async Task<ApplyHarness> OpenAsync(string artifactFile, string content)
    {
        var temp = new TemporaryDirectory();
        temp.WriteFile(artifactFile, content);
        var store = await SqliteStore.OpenAsync(temp.Combine("data", "slipway.db"), TimeProvider.System, CancellationToken.None);
        var options = new ServerOptions(temp.Combine("data"));
        return new ApplyHarness(temp, store, ApplyServices.Create(store, new ArtifactStore(options), new ControlPlaneLock(), TimeProvider.System, new WorkQueue(TimeProvider.System), options));
    }

    public void Dispose() => Temp.Dispose();
}
