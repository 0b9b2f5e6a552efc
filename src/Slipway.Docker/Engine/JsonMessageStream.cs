using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Slipway.Docker.Engine;

/// <summary>
/// Reads the progress stream as it arrives, one JSON object per line, so a caller can print a build's output live.
/// </summary>
internal static class JsonMessageStream
{
    public static async IAsyncEnumerable<JsonMessage> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonMessage? message;
            try
            {
                message = JsonSerializer.Deserialize<JsonMessage>(line, EngineJson.Options);
            }
            catch (JsonException e)
            {
                throw new DockerEngineException($"the Docker Engine's progress stream held a line that is not JSON: {Truncate(line)}", inner: e);
            }

            if (message is not null)
            {
                yield return message;
            }
        }
    }

    private static string Truncate(string line) => line.Length <= 200 ? line : line[..200] + "…";
}
