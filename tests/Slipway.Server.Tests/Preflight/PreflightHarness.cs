using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Oci.Registry;
using Slipway.Server.Apply;
using Slipway.Server.Images;
using Slipway.Server.Preflight;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Preflight;

/// <summary>
/// An <see cref="ApplyService"/> over a real SQLite store and artifact store in a temporary data directory, whose
/// preflight checks ask the real secret vault (<see cref="Vault"/>) for secret values.
/// </summary>
internal sealed class PreflightHarness : IAsyncDisposable
{
    private PreflightHarness(TemporaryDirectory temp, SqliteStore store, ServerOptions options, WorkQueue queue, TestVault vault)
    {
        Temp = temp;
        Store = store;
        Queue = queue;
        Vault = vault;
        Artifacts = new ArtifactStore(options);
        Registry = new RegistryClient(options.Registries.ClientOptions());
        var images = new RegistryImageResolver(Registry);
        Preflight = new PreflightRunner(vault.Vault, Artifacts, images, options, TimeProvider.System, NullLogger<PreflightRunner>.Instance);
        Apply = new ApplyService(store, Artifacts, new ControlPlaneLock(), TimeProvider.System, queue, options, Preflight, vault.Vault, images);
    }

    public TemporaryDirectory Temp { get; }

    public SqliteStore Store { get; }

    public WorkQueue Queue { get; }

    /// <summary>The real secret vault of the data directory.</summary>
    public TestVault Vault { get; }

    public ArtifactStore Artifacts { get; }

    public PreflightRunner Preflight { get; }

    public ApplyService Apply { get; }

    /// <summary>The registry client the apply resolves images through (anonymous, https only).</summary>
    public RegistryClient Registry { get; }

    public static async Task<PreflightHarness> OpenAsync()
    {
        var temp = new TemporaryDirectory();
        temp.WriteFile("artifact/app.dll", "code");
        var store = await SqliteStore.OpenAsync(temp.Combine("data", "slipway.db"), TimeProvider.System, CancellationToken.None);
        var vault = await TestVault.OpenAsync(store, temp.Combine("data"));
        return new PreflightHarness(temp, store, new ServerOptions(temp.Combine("data")), new WorkQueue(TimeProvider.System), vault);
    }

    public Task<ApplyOutcome> ApplyAsync(string yaml, bool dryRun = false) =>
        Apply.ApplyAsync(new ApplyRequest(Temp.Combine("web.yaml"), yaml, Temp.Path), dryRun, CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        Queue.Dispose();
        Registry.Dispose();
        Temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
