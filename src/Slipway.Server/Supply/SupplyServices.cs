using Microsoft.Extensions.DependencyInjection;

namespace Slipway.Server.Supply;

/// <summary>The services of SBOMs, scans, the vulnerability gate and promotion, for the server's container.</summary>
internal static class SupplyServices
{
    /// <summary>Registers them. The <see cref="Oci.Registry.RegistryClient"/> they use comes from the container; the
    /// advisory database (<c>--advisories</c>, <see cref="ServerOptions.AdvisoriesPath"/>) is read by
    /// <see cref="AdvisoryDatabase.StartAsync"/> before the API serves.</summary>
    public static IServiceCollection AddSupply(this IServiceCollection services)
    {
        services.AddSingleton<AdvisoryDatabase>();
        services.AddSingleton<SbomService>();
        services.AddSingleton<VulnerabilityExceptions>();
        services.AddSingleton<ImageGate>();
        services.AddSingleton<ImageScans>();
        services.AddSingleton<PromotionService>();
        services.AddSingleton<ImageCatalog>();
        return services;
    }
}
