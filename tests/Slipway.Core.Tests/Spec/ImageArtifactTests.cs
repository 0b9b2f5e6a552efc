using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary><c>artifact.image</c>: an OCI image reference, its registry made explicit; the image says what it runs.</summary>
public sealed class ImageArtifactTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private const string ImageSpec = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            image: localhost:5000/team/web:abc1234
        """;

    [Fact]
    public void An_image_needs_no_command_and_keeps_its_reference()
    {
        var template = ParseOne(ImageSpec).Spec.Template;

        Assert.True(template.Artifact.IsImage);
        Assert.Equal("localhost:5000/team/web:abc1234", template.Artifact.Image);
        Assert.Null(template.Artifact.Path);
        Assert.Equal("", template.Command);
    }

    [Fact]
    public void A_revision_runs_the_pinned_digest_never_the_tag()
    {
        var artifact = ParseOne(ImageSpec).Spec.Template.Artifact with { Digest = Digest };

        Assert.Equal($"localhost:5000/team/web@{Digest}", artifact.PinnedImage());
    }

    [Fact]
    public void A_command_replaces_the_image_entrypoint()
    {
        var template = ParseOne(ImageSpec + "\n  command: /app/web\n  args: [--verbose]").Spec.Template;

        Assert.Equal(("/app/web", "--verbose"), (template.Command, Assert.Single(template.Args)));
    }

    [Fact]
    public void A_job_hook_of_an_image_is_refused_and_says_what_to_use()
    {
        var error = SingleError(ImageSpec + """

              hooks:
                - name: migrate
                  type: preRollout
                  job: {command: ./migrate}
            """);

        AssertError(error, 11, 7, "spec.hooks[0].job", "a job hook runs in the revision's artifact directory, and an artifact.image revision has none: use an http hook (job hooks in a container of the image are not built yet)");
    }

    private static void AssertError(SpecError error, int line, int column, string path, string message) =>
        Assert.Equal((line, column, path, message), (error.Line, error.Column, error.Path, error.Message));
}
