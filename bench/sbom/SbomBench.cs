#:project ../../src/Slipway.Oci/Slipway.Oci.csproj
// The SBOM of one layer and a scan against an OSV database, timed: `bench/sbom/run.sh` builds both and runs this.
using System.Diagnostics;
using Slipway.Oci;
using Slipway.Oci.Sbom;
using Slipway.Oci.Vulnerabilities;

var layer = LayerSource.FromFile(args[0]);
var generator = new SbomGenerator(TimeProvider.System);
BillOfMaterials? sbom = null;
for (var run = 1; run <= 3; run++)
{
    var watch = Stopwatch.StartNew();
    var result = await generator.ForImageAsync(SbomSubject.ForImage(ImageReference.Parse("localhost:17500/bench"), Digest.Sha256("bench"u8)), [layer], CancellationToken.None);
    var elapsed = watch.Elapsed;
    sbom = result.Sbom;
    var byType = string.Join(", ", sbom.Components.GroupBy(c => c.Purl.Type).Select(g => $"{g.Key} {g.Count()}"));
    Console.WriteLine($"sbom run {run}: {elapsed.TotalSeconds:0.00} s, {sbom.Components.Count} components ({byType}), {result.Notes.Count} notes, {CycloneDxWriter.ToBytes(sbom).Length} bytes of JSON, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
}

if (args.Length > 1)
{
    var watch = Stopwatch.StartNew();
    var database = await OsvDatabase.LoadAsync(args[1], CancellationToken.None);
    Console.WriteLine($"load: {watch.Elapsed.TotalSeconds:0.00} s, {database.Advisories.Count} advisories");
    for (var run = 1; run <= 3; run++)
    {
        watch.Restart();
        var scan = VulnerabilityScanner.Scan(sbom!, database);
        Console.WriteLine($"scan run {run}: {watch.Elapsed.TotalMilliseconds:0} ms, {scan.Findings.Count} findings, {scan.Notes.Count} notes");
    }
}
