using System.Text.Json.Nodes;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>image verify</c>: the answer in every output format. Text (and wide): one line, the image by digest, then
/// <c>verified: signed by KEY (KEY ID) as REPOSITORY</c> or <c>refused: WHY</c> — the refusal as the server words it.
/// Name: <c>image/REGISTRY/NAME@sha256:…</c>.
/// </summary>
internal sealed class VerificationOutput(JsonNode document, ImageVerifyAnswer answer) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => null;

    public IEnumerable<string> Names() => [$"image/{answer.Image}"];

    public string Text(bool wide) => answer.Verified
        ? $"{answer.Image} verified: signed by {answer.Key} ({answer.KeyId?[..Math.Min(12, answer.KeyId.Length)]}) as {answer.SignedAs}\n"
        : $"{answer.Image} refused: {answer.Message}\n";
}
