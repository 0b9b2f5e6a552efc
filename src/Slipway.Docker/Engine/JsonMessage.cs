using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Docker.Engine;

/// <summary>
/// One message of the engine's progress stream (build, push, pull, import): newline-delimited JSON objects, each with
/// build output (<c>stream</c>), a status line (<c>status</c>, <c>id</c>, <c>progress</c>), a result (<c>aux</c>: the
/// built image's ID, the pushed manifest's digest) or the failure that ends the operation (<c>errorDetail</c>).
/// An HTTP 200 does not mean success: a failure arrives as the last message.
/// </summary>
internal sealed record JsonMessage(
    [property: JsonPropertyName("stream")] string? Stream,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("progress")] string? Progress,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("errorDetail")] JsonMessageError? ErrorDetail,
    [property: JsonPropertyName("aux")] JsonElement? Aux)
{
    /// <summary>The failure's message, when this message reports one.</summary>
    public string? Failure => ErrorDetail?.Message is { Length: > 0 } detail ? detail : Error is { Length: > 0 } error ? error : null;
}

internal sealed record JsonMessageError([property: JsonPropertyName("message")] string? Message);
