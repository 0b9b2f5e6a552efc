using System.Text.Json;
using Microsoft.Extensions.Logging;
using Slipway.Core.Serialization;
using Slipway.Local.Files;

namespace Slipway.Local.State;

/// <summary>
/// One small JSON file per instance in {dataDir}/instances. Files rather than the main store so
/// that the local target stays self-contained and its state is written from the supervisor's own
/// loops without a round trip; written to a temp file and renamed, so a crash mid-write never
/// leaves a torn file.
/// </summary>
internal sealed partial class InstanceStateStore(string directory, ILogger logger)
{
    public string Directory { get; } = directory;

    public void Save(InstanceRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(record.Spec.InstanceId);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(record, SlipwayJson.Indented));
    }

    public void Delete(string instanceId) => File.Delete(PathOf(instanceId));

    public IReadOnlyList<InstanceRecord> LoadAll()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var records = new List<InstanceRecord>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                if (JsonSerializer.Deserialize<InstanceRecord>(File.ReadAllBytes(path), SlipwayJson.Options) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                // Left in place for a human: deleting it could orphan a running process.
                Log.UnreadableState(logger, path, e);
            }
        }

        return records;
    }

    private string PathOf(string instanceId) => Path.Combine(Directory, instanceId + ".json");

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Cannot read instance state {Path}; skipping it")]
        public static partial void UnreadableState(ILogger logger, string path, Exception exception);
    }
}
