using System.Text.Json;

namespace Slipway.Server.Tests.Images;

/// <summary>An app of an image, with no replicas: the apply pins its digest, and no container is started.</summary>
internal static class ImageApp
{
    public static string Yaml(string app, string image) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {app}
        spec:
          artifact:
            image: {image}
          replicas: 0
        """;

    /// <summary>The message of the one error of a refused apply, which must be at <c>spec.artifact.image</c>.</summary>
    public static string ErrorAtImage(string body)
    {
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        var error = Assert.Single(errors.EnumerateArray());
        Assert.Equal("spec.artifact.image", error.GetProperty("path").GetString());
        return error.GetProperty("message").GetString()!;
    }
}
