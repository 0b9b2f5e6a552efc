namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// The fields a mapping may hold. <paramref name="Reserved"/> names fields that are part of the
/// format's future (e.g. <c>artifact.image</c>) with the message to give instead of "unknown field".
/// <paramref name="AnyKey"/> is for user-keyed maps such as labels.
/// </summary>
internal sealed record FieldSet(IReadOnlyList<string> Known, IReadOnlyDictionary<string, string>? Reserved = null, bool AnyKey = false)
{
    public static readonly FieldSet Any = new([], AnyKey: true);

    public static FieldSet Of(params IReadOnlyList<string> known) => new(known);
}
