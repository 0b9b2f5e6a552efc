using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Slipway.Core.Serialization;

namespace Slipway.Server.Api;

/// <summary>
/// Reads a command's JSON body strictly: a body is required (<c>{}</c> when there is nothing to say) and a
/// field the command does not know is an error, so that a misspelt option is refused rather than ignored.
/// </summary>
internal static class ApiBody
{
    private static readonly JsonSerializerOptions Strict = new(SlipwayJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>The body as <typeparamref name="T"/>, or the 400 answer that says what is wrong with it.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Strict, ct);
            return value is null ? (null, Invalid("the body is null; send a JSON object ({} when there is nothing to say)")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Invalid($"the body is not what {request.Path} takes: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel stopped reading a body over the limit: RequestBodyLimit answers the 413 with its own message.
            return (null, Results.StatusCode(e.StatusCode));
        }
    }

    private static IResult Invalid(string error) => ApiErrors.Error(StatusCodes.Status400BadRequest, error);
}
