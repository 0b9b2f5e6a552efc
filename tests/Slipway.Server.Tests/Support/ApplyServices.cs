using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Oci.Registry;
using Slipway.Server.Apply;
using Slipway.Server.Images;
using Slipway.Server.Preflight;
using Slipway.Server.Reconcile;
using Slipway.Server.Secrets;
using Slipway.Store;

namespace Slipway.Server.Tests.Support;

/// <summary>
/// An apply service as the server builds it, for tests that drive it without a server: with the real secret vault of
/// the data directory (no secret set unless the test sets one) and the real preflight checks over it, and images
/// resolved by the real registry client (anonymous, https only, unless the test gives its own resolver).
/// </summary>
internal static class ApplyServices
{
    public static ApplyService Create(IStore store, ArtifactStore artifacts, ControlPlaneLock gate, TimeProvider time, WorkQueue queue, ServerOptions options, ISecretLookup? secrets = null, Slipway.Server.Slo.ErrorBudgetService? errorBudget = null, IImageResolver? images = null)
    {
        secrets ??= new SecretVault(store, MasterKeys.Open(options.DataDirectory, _ => null), time, NullLogger<SecretVault>.Instance);
        images ??= new RegistryImageResolver(new RegistryClient(options.Registries.ClientOptions()));
        var preflight = new PreflightRunner(secrets, artifacts, images, options, time, NullLogger<PreflightRunner>.Instance);
        return new ApplyService(store, artifacts, gate, time, queue, options, preflight, secrets, images, errorBudget);
    }
}
