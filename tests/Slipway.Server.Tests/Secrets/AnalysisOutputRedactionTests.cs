using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Analysis;
using Slipway.Core.Spec;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Secrets;
using static Slipway.Server.Tests.Analysis.Providers.ProviderRequests;

namespace Slipway.Server.Tests.Secrets;

/// <summary>What an analysis keeps of a measurement — a job's output, an error — has the vault's secret values taken out.</summary>
public sealed class AnalysisOutputRedactionTests : IAsyncLifetime
{
    private readonly string _value = "sentinel-" + Guid.NewGuid().ToString("N");
    private VaultHarness _harness = null!;
    private SecretVault _vault = null!;

    public async Task InitializeAsync()
    {
        _harness = await VaultHarness.OpenAsync();
        _vault = await _harness.StartVaultAsync();
        var (_, problem) = await _vault.SetAsync("prod", "api", new Dictionary<string, string> { ["token"] = _value }, [], "test", CancellationToken.None);
        Assert.Null(problem);
    }

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_job_that_prints_a_secret_keeps_the_mark_in_its_output()
    {
        using var http = new HttpClient();
        var providers = MetricProviders.Create(new NotUsed(), new NotUsed(), http, TimeProvider.System, NullLoggerFactory.Instance, _vault.Redact);
        var job = new JobMetricProvider("/bin/sh", ["-c", "echo \"TOKEN=$TOKEN\"; echo \"$TOKEN\" >&2; exit 3"], [new EnvVar("TOKEN", _value)], TimeSpan.FromSeconds(30));

        var result = await providers.MeasureAsync(For(job), CancellationToken.None);

        Assert.Equal(AnalysisValue.Of(3), result.Value);
        Assert.True(result.Output is { } output && !output.Contains(_value, StringComparison.Ordinal), "the kept output holds the value");
        Assert.Contains("TOKEN=[secret api/token]", result.Output, StringComparison.Ordinal);
    }

    private sealed class NotUsed : IMetricProvider
    {
        public Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct) => throw new InvalidOperationException("not used");
    }
}
